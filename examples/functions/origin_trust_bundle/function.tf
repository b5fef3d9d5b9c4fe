# Functions need the provider in required_providers (Terraform 1.8+), but
# no provider configuration: they make no API call.
terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

data "cfaop_global_ca" "cloudflare" {}

# The origin trusts Cloudflare's global CA and the CA that issued your zone
# and hostname client certificates, so it accepts Cloudflare at every level.
locals {
  origin_trust = provider::cfaop::origin_trust_bundle([
    data.cfaop_global_ca.cloudflare.pem,
    file("${path.module}/client-ca.pem"),
  ])
}

# Install this as the origin's client CA file, e.g. with a configuration
# management tool or the local_file resource.
output "origin_ca_bundle" {
  value = local.origin_trust.pem
}

# A rotated CA shows up here in the plan.
output "origin_ca_fingerprints" {
  value = local.origin_trust.fingerprints
}
