output "nginx_server_block" {
  description = "The server block for the origin."
  value       = module.origin.server_block
}

output "origin_ca_bundle_pem" {
  description = "Install at var.origin_ca_file."
  value       = module.origin.ca_bundle_pem
}

output "origin_ca_fingerprints" {
  description = "SHA-256 fingerprints of what the origin trusts."
  value       = module.origin.ca_fingerprints
}

output "hostname_certificate_fingerprint" {
  description = "What Cloudflare presents for var.hostname."
  value       = cfaop_hostname_certificate.app.sha256_fingerprint
}

output "nftables_ruleset" {
  description = "Load on the origin with nft -f: only Cloudflare's ranges reach the origin's port."
  value       = module.origin.nftables_ruleset
}
