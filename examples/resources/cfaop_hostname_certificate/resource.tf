variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "app_key_pem" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "The hostname certificate's private key (PEM). Ephemeral: never stored."
}

# Per-hostname AOP: a certificate that bindings attach to hostnames.
resource "cfaop_hostname_certificate" "app" {
  zone_id                = var.zone_id
  certificate            = file("${path.module}/app-client.pem")
  private_key_wo         = var.app_key_pem
  private_key_wo_version = 1

  # Rotation: the new certificate is active before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}
