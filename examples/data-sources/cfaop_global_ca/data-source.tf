data "cfaop_global_ca" "cloudflare" {}

# Give the CA to the origin in the same plan, for example as a file that
# nginx reads with ssl_client_certificate.
output "origin_pull_ca_pem" {
  value = data.cfaop_global_ca.cloudflare.pem
}

output "origin_pull_ca_fingerprint" {
  value = data.cfaop_global_ca.cloudflare.sha256_fingerprint
}
