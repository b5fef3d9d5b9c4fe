# Many hostnames of one zone, each bound to one of a few hostname
# certificates, in the pattern that waits for Cloudflare once per stage rather
# than once per hostname:
#
#   1. the certificates, each waiting until Cloudflare has deployed it
#      (associations need an active certificate);
#   2. the bindings, which return as soon as Cloudflare accepted them
#      (wait_for_deployment = false), so they do not hold Terraform's parallel
#      slots while Cloudflare deploys;
#   3. one cfaop_hostname_deployment that waits, once, until every one of
#      them is active. Anything that must not start before the origin is
#      reached through the new certificates depends on it.
#
# Rotating the certificates (new PEMs in var.certificates) replaces them with
# create_before_destroy: the new ones are deployed, the bindings move to them,
# the deployment waits until every hostname is active on its new certificate,
# and only then are the old certificates deleted, so no hostname is ever left
# without an active certificate.
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

# hostnames[i] uses certificates[i % length(certificates)]. The map is a
# local because Terraform evaluates for_each again for every instance it
# plans: a reference costs less there than a for expression over every
# hostname.
locals {
  certificate_by_hostname = {
    for i, hostname in var.hostnames : hostname => cfaop_hostname_certificate.this[i % local.certificate_count].id
  }
}

resource "cfaop_hostname_binding" "this" {
  for_each = local.certificate_by_hostname

  zone_id             = var.zone_id
  hostname            = each.key
  certificate_id      = each.value
  wait_for_deployment = false
}

resource "cfaop_hostname_deployment" "this" {
  zone_id  = var.zone_id
  bindings = { for hostname, b in cfaop_hostname_binding.this : hostname => b.certificate_id }
}
