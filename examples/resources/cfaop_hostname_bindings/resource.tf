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
  count                  = nonsensitive(length(var.certificates))
  zone_id                = var.zone_id
  certificate            = nonsensitive(var.certificates[count.index].certificate)
  private_key_wo         = var.certificates[count.index].private_key
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

# hostnames[i] on certificates[i % length]: when apply returns, every
# hostname is active on its certificate.
resource "cfaop_hostname_bindings" "this" {
  zone_id = var.zone_id
  bindings = {
    for i, hostname in var.hostnames :
    hostname => cfaop_hostname_certificate.this[i % length(cfaop_hostname_certificate.this)].id
  }
}
