# Brings a zone's whole Authenticated Origin Pulls setup under management in
# one plan: the data sources list what Cloudflare holds, and import blocks with
# for_each (Terraform 1.7+) adopt every object. Nothing is uploaded again.

terraform {
  required_version = ">= 1.11"
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

variable "zone_certificate_keys" {
  type        = map(string)
  sensitive   = true
  ephemeral   = true
  description = "Private keys (PEM) of the zone's zone-level certificates, by certificate ID. Cloudflare never returns them."
}

variable "hostname_certificate_keys" {
  type        = map(string)
  sensitive   = true
  ephemeral   = true
  description = "Private keys (PEM) of the zone's per-hostname certificates, by certificate ID."
}

variable "global_enabled" {
  type        = bool
  description = "Whether global AOP (Cloudflare's shared certificate) stays on. The plan shows it if the zone differs."
}

variable "zone_level_enabled" {
  type        = bool
  description = "Whether zone-level AOP (the zone's own certificate) stays on. The plan shows it if the zone differs."
}

variable "bound_hostnames" {
  type        = set(string)
  default     = []
  description = "Hostnames with a per-hostname association. The API cannot list them, so name them here."
}

data "cfaop_zone_certificates" "existing" {
  zone_id = var.zone_id
}

data "cfaop_hostname_certificates" "existing" {
  zone_id = var.zone_id
}

data "cfaop_hostname_binding" "existing" {
  for_each = var.bound_hostnames

  zone_id  = var.zone_id
  hostname = each.key
}

locals {
  zone_certificates     = { for c in data.cfaop_zone_certificates.existing.certificates : c.id => c }
  hostname_certificates = { for c in data.cfaop_hostname_certificates.existing.certificates : c.id => c }
}

# Certificates: import by <zone_id>/<certificate_id>, with the key added.
import {
  for_each = local.zone_certificates
  to       = cfaop_zone_certificate.this[each.key]
  id       = "${var.zone_id}/${each.key}"
}

resource "cfaop_zone_certificate" "this" {
  for_each = local.zone_certificates

  zone_id                = var.zone_id
  certificate            = each.value.certificate
  private_key_wo         = var.zone_certificate_keys[each.key]
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

import {
  for_each = local.hostname_certificates
  to       = cfaop_hostname_certificate.this[each.key]
  id       = "${var.zone_id}/${each.key}"
}

resource "cfaop_hostname_certificate" "this" {
  for_each = local.hostname_certificates

  zone_id                = var.zone_id
  certificate            = each.value.certificate
  private_key_wo         = var.hostname_certificate_keys[each.key]
  private_key_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

# Bindings: import by <zone_id>/<hostname>. Referencing the certificate
# resource keeps rotations ordered (new certificate, move, delete old).
import {
  for_each = var.bound_hostnames
  to       = cfaop_hostname_binding.this[each.key]
  id       = "${var.zone_id}/${each.key}"
}

resource "cfaop_hostname_binding" "this" {
  for_each = var.bound_hostnames

  zone_id        = var.zone_id
  hostname       = each.key
  certificate_id = cfaop_hostname_certificate.this[data.cfaop_hostname_binding.existing[each.key].certificate_id].id
  enabled        = data.cfaop_hostname_binding.existing[each.key].enabled
}

# Settings: import by the zone ID. The values are yours to decide; the plan
# shows an update when the zone has another one.
import {
  to = cfaop_global_setting.this
  id = var.zone_id
}

resource "cfaop_global_setting" "this" {
  zone_id = var.zone_id
  enabled = var.global_enabled
}

import {
  to = cfaop_zone_setting.this
  id = var.zone_id
}

resource "cfaop_zone_setting" "this" {
  zone_id = var.zone_id
  enabled = var.zone_level_enabled
}
