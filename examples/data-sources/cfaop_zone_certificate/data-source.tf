variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "zone_certificate_id" {
  type        = string
  description = "ID of a zone-level client certificate uploaded outside this configuration."
}

data "cfaop_zone_certificate" "current" {
  zone_id = var.zone_id
  id      = var.zone_certificate_id
}

output "zone_certificate_pem" {
  value = data.cfaop_zone_certificate.current.certificate
}

output "zone_certificate_expires_in_days" {
  value = data.cfaop_zone_certificate.current.expires_in_days
}
