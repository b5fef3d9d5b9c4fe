# Many hostnames of one zone, each bound to one of a few hostname
# certificates, in the pattern that waits for Cloudflare once per stage rather
# than once per hostname:
#
#   1. the certificates, each waiting until Cloudflare has deployed it
#      (associations need an active certificate);
#   2. one cfaop_hostname_bindings holding every hostname: it writes them in a
#      few requests and waits, once, until all of them are active. Anything
#      that must not start before the origin is reached through the new
#      certificates depends on it.
#
# Rotating the certificates (new PEMs in var.certificates) replaces them with
# create_before_destroy: the new ones are deployed, the bindings move to them
# and wait until every hostname is active on its new certificate, and only
# then are the old certificates deleted, so no hostname is ever left without
# an active certificate.
#
# Credentials and the API address come from the environment:
# CLOUDFLARE_API_TOKEN and, for a test API, CLOUDFLARE_BASE_URL.

terraform {
  required_version = ">= 1.11"
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

locals {
  # The number of certificates is not a secret; their keys are.
  certificate_count = nonsensitive(length(var.certificates))
}

resource "cfaop_hostname_certificate" "this" {
  count                  = local.certificate_count
  zone_id                = var.zone_id
  certificate            = nonsensitive(var.certificates[count.index].certificate)
  private_key_wo         = var.certificates[count.index].private_key
  private_key_wo_version = var.key_version

  lifecycle {
    create_before_destroy = true
  }
}

# hostnames[i] uses certificates[i % length(certificates)]. One resource
# for all of them: Terraform plans one instance with a map far faster than
# hundreds of instances.
resource "cfaop_hostname_bindings" "this" {
  zone_id = var.zone_id
  bindings = {
    for i, hostname in var.hostnames : hostname => cfaop_hostname_certificate.this[i % local.certificate_count].id
  }
}
