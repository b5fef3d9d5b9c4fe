# A complete Authenticated Origin Pulls setup in one plan: the three
# Cloudflare levels and the nginx origin that trusts them. `make demo` applies
# it against the emulator; with CLOUDFLARE_API_TOKEN it works on a real zone.

terraform {
  required_version = ">= 1.11"
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

# Cloudflare's shared certificate for every hostname of the zone...
data "cfaop_global_ca" "cloudflare" {}

resource "cfaop_global_setting" "this" {
  zone_id = var.zone_id
  enabled = true
}

# ...overridden by the zone's own certificate...
resource "cfaop_zone_certificate" "this" {
  zone_id                = var.zone_id
  certificate            = var.zone_certificate
  private_key_wo         = var.zone_private_key
  private_key_wo_version = var.key_version

  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_zone_setting" "this" {
  zone_id    = var.zone_id
  enabled    = true
  depends_on = [cfaop_zone_certificate.this]
}

# ...overridden for one hostname by a certificate of its own.
resource "cfaop_hostname_certificate" "app" {
  zone_id                = var.zone_id
  certificate            = var.hostname_certificate
  private_key_wo         = var.hostname_private_key
  private_key_wo_version = var.key_version

  lifecycle {
    create_before_destroy = true
  }
}

# The hostnames that get their own certificate, here one. When apply
# returns, every hostname listed is active on its certificate; the resource
# takes hundreds of hostnames and still waits once (see the guide "Scaling
# hostname bindings").
resource "cfaop_hostname_bindings" "this" {
  zone_id = var.zone_id
  bindings = {
    (var.hostname) = cfaop_hostname_certificate.app.id
  }
}

# Cloudflare's IP ranges: the origin answers nobody else, a second layer
# behind the client certificate.
data "cfaop_ip_ranges" "cloudflare" {}

# The origin trusts the CAs behind all three, so it keeps accepting Cloudflare
# whichever level applies to a request.
module "origin" {
  source = "../modules/origin-nginx"

  server_name             = var.hostname
  listen                  = var.origin_listen
  server_certificate_file = var.origin_certificate_file
  server_key_file         = var.origin_key_file
  ca_file                 = var.origin_ca_file
  trusted_certificates = [
    data.cfaop_global_ca.cloudflare.pem,
    var.client_ca_certificate,
  ]
  allowed_cidrs  = data.cfaop_ip_ranges.cloudflare.cidrs
  location_block = var.origin_location_block
}

# Every plan and apply tries the origin the way an attacker would: straight to
# its address, without a client certificate. Run Terraform from outside the
# origin's network and allow list for this to mean what it says.
check "origin_refuses_direct_traffic" {
  data "cfaop_origin_probe" "direct" {
    address  = var.origin_address
    hostname = var.hostname
    timeout  = "5s"
  }

  assert {
    condition     = !data.cfaop_origin_probe.direct.accepts_without_client_certificate
    error_message = "The origin at ${var.origin_address} serves ${var.hostname} without a client certificate (HTTP ${data.cfaop_origin_probe.direct.http_status}): anyone who finds the address bypasses Cloudflare."
  }
}
