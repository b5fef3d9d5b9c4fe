# After the migration from the official Cloudflare provider (v5): every
# cloudflare_authenticated_origin_pulls* resource block is replaced by its
# cfaop counterpart and a moved block. The plan shows each resource as moved
# and replaces nothing; the move itself makes no API call.
#
# Run `terraform init` as usual before planning: until this is applied, the
# state still names the cloudflare provider, so Terraform needs it installed.

terraform {
  required_version = ">= 1.11"
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {} # reads CLOUDFLARE_API_TOKEN, like the cloudflare provider

variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "zone_key_pem" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "Private key (PEM) of the zone-level certificate."
}

variable "app_key_pem" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "Private key (PEM) of the per-hostname certificate."
}

# Was: resource "cloudflare_authenticated_origin_pulls_certificate" "zone"
moved {
  from = cloudflare_authenticated_origin_pulls_certificate.zone
  to   = cfaop_zone_certificate.zone
}

resource "cfaop_zone_certificate" "zone" {
  zone_id     = var.zone_id
  certificate = file("${path.module}/zone-client.pem")
  # The cloudflare provider kept the key in state. Write-only, it leaves the
  # state: the plan shows an in-place update, no replacement.
  private_key_wo         = var.zone_key_pem
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

# Was: resource "cloudflare_authenticated_origin_pulls_settings" "zone"
moved {
  from = cloudflare_authenticated_origin_pulls_settings.zone
  to   = cfaop_zone_setting.this
}

resource "cfaop_zone_setting" "this" {
  zone_id    = var.zone_id
  enabled    = true
  depends_on = [cfaop_zone_certificate.zone]
}

# Was: resource "cloudflare_authenticated_origin_pulls_hostname_certificate" "app"
moved {
  from = cloudflare_authenticated_origin_pulls_hostname_certificate.app
  to   = cfaop_hostname_certificate.app
}

resource "cfaop_hostname_certificate" "app" {
  zone_id                = var.zone_id
  certificate            = file("${path.module}/app-client.pem")
  private_key_wo         = var.app_key_pem
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

# Was: resource "cloudflare_authenticated_origin_pulls" "app", whose config
# list held exactly one association. One with several is split: see the guide.
moved {
  from = cloudflare_authenticated_origin_pulls.app
  to   = cfaop_hostname_binding.app
}

resource "cfaop_hostname_binding" "app" {
  zone_id        = var.zone_id
  hostname       = "app.example.com"
  certificate_id = cfaop_hostname_certificate.app.id
}

# Global AOP was the zone setting tls_client_auth
# (resource "cloudflare_zone_setting" "tls_client_auth"), which has no moved
# path: Terraform forgets the old resource without touching the zone, and
# imports the setting.
removed {
  from = cloudflare_zone_setting.tls_client_auth

  lifecycle {
    destroy = false
  }
}

import {
  to = cfaop_global_setting.this
  id = var.zone_id
}

resource "cfaop_global_setting" "this" {
  zone_id = var.zone_id
  enabled = true
}
