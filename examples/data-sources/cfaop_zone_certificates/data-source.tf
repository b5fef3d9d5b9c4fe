variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

# Every active zone-level client certificate, whether Terraform uploaded it
# or not, oldest upload first.
data "cfaop_zone_certificates" "active" {
  zone_id = var.zone_id
  status  = "active"
}

# Expiry audit: fails the plan's checks when a certificate has less than 30
# days left.
check "zone_certificates_not_expiring" {
  assert {
    condition = alltrue([
      for c in data.cfaop_zone_certificates.active.certificates : c.expires_in_days >= 30
    ])
    error_message = "A zone client certificate expires within 30 days: ${join(", ", [
      for c in data.cfaop_zone_certificates.active.certificates : "${c.id} (${c.expires_on})" if c.expires_in_days < 30
    ])}."
  }
}

output "zone_certificate_fingerprints" {
  value = { for c in data.cfaop_zone_certificates.active.certificates : c.id => c.sha256_fingerprint }
}
