variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "hostnames" {
  type        = list(string)
  description = "Hostnames of the zone to bind, spread over the certificates."
}

variable "certificates" {
  type = list(object({
    certificate = string
    private_key = string
  }))
  sensitive   = true
  description = "Hostname certificates (PEM), at most 100 hostnames each."
}

resource "cfaop_hostname_certificate" "this" {
  count       = length(var.certificates)
  zone_id     = var.zone_id
  certificate = var.certificates[count.index].certificate
  private_key = var.certificates[count.index].private_key

  lifecycle {
    create_before_destroy = true
  }
}

# Each binding returns once Cloudflare accepted it...
resource "cfaop_hostname_binding" "this" {
  count               = length(var.hostnames)
  zone_id             = var.zone_id
  hostname            = var.hostnames[count.index]
  certificate_id      = cfaop_hostname_certificate.this[count.index % length(var.certificates)].id
  wait_for_deployment = false
}

# ...and this waits once for all of them: when apply returns, every hostname
# is active on its certificate.
resource "cfaop_hostname_deployment" "this" {
  zone_id  = var.zone_id
  bindings = { for b in cfaop_hostname_binding.this : b.hostname => b.certificate_id }
}
