# Reads the origin-pull CA from the API the provider is pointed at (the
# emulator in this repository's tests), as a root module would.
terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

data "cfaop_global_ca" "cloudflare" {}

output "pem" {
  value = data.cfaop_global_ca.cloudflare.pem
}

output "fingerprint" {
  value = data.cfaop_global_ca.cloudflare.sha256_fingerprint
}
