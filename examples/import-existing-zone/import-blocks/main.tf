# Writes one import block per object of the zone, for
# `terraform plan -generate-config-out=generated.tf`, which cannot generate
# configuration for import blocks with for_each. Run it in an empty directory:
#
#   terraform apply -var zone_id=... -var 'bound_hostnames=["app.example.com"]'
#   terraform output -raw import_blocks > ../imports.tf

terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "bound_hostnames" {
  type        = set(string)
  default     = []
  description = "Hostnames with a per-hostname association (the API cannot list them)."
}

data "cfaop_zone_certificates" "existing" {
  zone_id = var.zone_id
}

data "cfaop_hostname_certificates" "existing" {
  zone_id = var.zone_id
}

locals {
  # Resource names must start with a letter; certificate IDs may not.
  zone_certificate_imports = {
    for c in data.cfaop_zone_certificates.existing.certificates :
    "cfaop_zone_certificate.zone_${replace(c.id, "-", "_")}" => "${var.zone_id}/${c.id}"
  }
  hostname_certificate_imports = {
    for c in data.cfaop_hostname_certificates.existing.certificates :
    "cfaop_hostname_certificate.hostname_${replace(c.id, "-", "_")}" => "${var.zone_id}/${c.id}"
  }
  binding_imports = {
    for h in var.bound_hostnames :
    "cfaop_hostname_binding.${replace(replace(h, ".", "_"), "-", "_")}" => "${var.zone_id}/${h}"
  }
  setting_imports = {
    "cfaop_global_setting.this" = var.zone_id
    "cfaop_zone_setting.this"   = var.zone_id
  }
  imports = merge(local.zone_certificate_imports, local.hostname_certificate_imports, local.binding_imports, local.setting_imports)
}

output "import_blocks" {
  value = join("\n", [for to, id in local.imports : "import {\n  to = ${to}\n  id = \"${id}\"\n}\n"])
}
