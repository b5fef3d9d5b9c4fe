variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

# All per-hostname client certificates of the zone, including those being
# deleted, e.g. to pass to another module or to audit expiry.
data "cfaop_hostname_certificates" "all" {
  zone_id         = var.zone_id
  include_deleted = true
}

output "hostname_certificates_expiring_soon" {
  value = [
    for c in data.cfaop_hostname_certificates.all.certificates : {
      id              = c.id
      status          = c.status
      expires_on      = c.expires_on
      expires_in_days = c.expires_in_days
    } if c.expires_in_days < 30
  ]
}
