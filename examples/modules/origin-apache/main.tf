# origin-apache renders an Apache <VirtualHost> that accepts only Cloudflare's
# authenticated origin pulls. Client verification is per virtual host: it
# happens in the TLS handshake, so it cannot be limited to a <Directory>, but
# other virtual hosts on the same server can stay open.

terraform {
  required_version = ">= 1.8"
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

locals {
  bundle = provider::cfaop::origin_trust_bundle(var.trusted_certificates)
  # The port is the last part of listen: "443", "127.0.0.1:8443", "*:443".
  port = tonumber(regex("([0-9]+)$", var.listen)[0])
  # Only Cloudflare's ranges when allowed_cidrs is set; chosen here because a
  # template directive would stop the heredoc in outputs.tf from being unindented.
  require = length(var.allowed_cidrs) > 0 ? trimspace(provider::cfaop::origin_allow_list("apache", var.allowed_cidrs)) : "Require all granted"
}
