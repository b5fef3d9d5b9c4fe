output "certificate_ids" {
  description = "IDs of the hostname certificates, in the order of var.certificates."
  value       = cfaop_hostname_certificate.this[*].id
}

output "certificate_by_hostname" {
  description = "The certificate ID each hostname is bound to, active on Cloudflare once apply returns."
  value       = cfaop_hostname_bindings.this.bindings
}
