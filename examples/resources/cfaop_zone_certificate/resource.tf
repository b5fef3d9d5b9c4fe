variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "client_key_pem" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "The client certificate's private key (PEM). Ephemeral: never stored."
}

# Zone-level AOP: Cloudflare presents this certificate to every origin of the
# zone. The key is write-only, so it never lands in state.
resource "cfaop_zone_certificate" "this" {
  zone_id                = var.zone_id
  certificate            = file("${path.module}/client.pem")
  private_key_wo         = var.client_key_pem
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_zone_setting" "this" {
  zone_id = var.zone_id
  enabled = true

  # Switch on only once the certificate is active.
  depends_on = [cfaop_zone_certificate.this]
}
