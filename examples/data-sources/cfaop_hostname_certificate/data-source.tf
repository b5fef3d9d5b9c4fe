variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "hostname_certificate_id" {
  type        = string
  description = "ID of a per-hostname client certificate uploaded outside this configuration."
}

data "cfaop_hostname_certificate" "app" {
  zone_id = var.zone_id
  id      = var.hostname_certificate_id

  lifecycle {
    postcondition {
      condition     = self.status == "active" && self.expires_in_days >= 14
      error_message = "Hostname certificate ${self.id} is ${self.status} and expires on ${self.expires_on}."
    }
  }
}

output "hostname_certificate_fingerprint" {
  value = data.cfaop_hostname_certificate.app.sha256_fingerprint
}
