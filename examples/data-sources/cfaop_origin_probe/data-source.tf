# Every plan and apply (and HCP Terraform's continuous validation) tries the
# origin the way an attacker who found its address would: straight to the
# origin, with the site's name as SNI and Host, without a client certificate.
# A failed assertion is a warning; the run goes on.
check "origin_refuses_direct_traffic" {
  data "cfaop_origin_probe" "direct" {
    address  = "203.0.113.10:443" # the origin itself, not the proxied name
    hostname = "app.example.com"
  }

  assert {
    condition     = !data.cfaop_origin_probe.direct.accepts_without_client_certificate
    error_message = "The origin serves app.example.com without a client certificate (HTTP ${data.cfaop_origin_probe.direct.http_status}): anyone who finds its address bypasses Cloudflare. Require the certificate (ssl_verify_client on / SSLVerifyClient require)."
  }
}

# Full (strict) needs a server certificate valid for the hostname, for
# example one issued by Cloudflare's Origin CA.
check "origin_certificate_valid_for_strict" {
  data "cfaop_origin_probe" "strict" {
    address         = "203.0.113.10:443"
    hostname        = "app.example.com"
    ca_certificates = file("${path.module}/cloudflare-origin-ca-root.pem")
    timeout         = "5s"
  }

  assert {
    condition     = data.cfaop_origin_probe.strict.server_certificate_valid
    error_message = "SSL/TLS mode Full (strict) would answer 526: ${data.cfaop_origin_probe.strict.server_certificate_error}"
  }
}
