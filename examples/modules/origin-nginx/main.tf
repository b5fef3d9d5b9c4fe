# origin-nginx renders the nginx server block for an origin that accepts only
# Cloudflare's authenticated origin pulls. It makes no API call: it turns the
# CAs to trust into a bundle and the bundle's path into nginx directives.

terraform {
  required_version = ">= 1.8"
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

locals {
  bundle = provider::cfaop::origin_trust_bundle(var.trusted_certificates)
  # The port is the last part of listen: "443", "127.0.0.1:8443", "[::]:443".
  port = tonumber(regex("([0-9]+)$", var.listen)[0])
  # A template directive would stop the heredoc in outputs.tf from being
  # unindented, so the optional part is chosen here.
  allow_list = length(var.allowed_cidrs) > 0 ? trimspace(provider::cfaop::origin_allow_list("nginx", var.allowed_cidrs)) : "# No allow list: allowed_cidrs is empty."
}
