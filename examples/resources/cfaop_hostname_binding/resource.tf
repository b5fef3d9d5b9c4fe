variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "app_key_pem" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "The hostname certificate's private key (PEM)."
}

# Zero-downtime rotation: when app-client.pem changes, Terraform uploads the
# new certificate and waits until it is active (create_before_destroy), moves
# the binding to it in place, and only then deletes the old certificate.
resource "cfaop_hostname_certificate" "app" {
  zone_id                = var.zone_id
  certificate            = file("${path.module}/app-client.pem")
  private_key_wo         = var.app_key_pem
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_hostname_binding" "app" {
  zone_id        = var.zone_id
  hostname       = "app.example.com"
  certificate_id = cfaop_hostname_certificate.app.id
}
