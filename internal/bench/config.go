package bench

import (
	"fmt"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Cloudflare's limits the configuration is shaped by.
const (
	maxHostnameCertsPerZone = 10
	maxBindingsPerCert      = 100
)

// certificateCount spreads n bindings over hostname certificates: one per 20
// bindings, at most 5, so that a rotation with create_before_destroy (old and
// new certificates live at once) stays within 10 per zone and no certificate
// has more than 100 associations.
func certificateCount(n int) int {
	k := min(max((n+19)/20, 1), maxHostnameCertsPerZone/2)
	if (n+k-1)/k > maxBindingsPerCert {
		panic(fmt.Sprintf("bench: %d bindings do not fit on %d certificates", n, k))
	}
	return k
}

// configVariables are the inputs of both configurations: one declaration, so
// that the floor always takes exactly the variables the provider run takes.
const configVariables = `variable "zone_id" {
  type = string
}

variable "hostnames" {
  type = list(string)
}

variable "zone_certificate" {
  type = string
}

variable "zone_key" {
  type      = string
  sensitive = true
}

variable "certificates" {
  type = list(string)
}

variable "keys" {
  type      = list(string)
  sensitive = true
}

variable "key_version" {
  type = number
}
`

// providerConfig is the measured configuration: the global and zone-level
// switches, a zone certificate, the CA data source, k hostname certificates
// and n hostname bindings spread over them.
const providerConfig = `terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

` + configVariables + `
data "cfaop_global_ca" "cloudflare" {}

resource "cfaop_global_setting" "this" {
  zone_id = var.zone_id
  enabled = true
}

resource "cfaop_zone_certificate" "this" {
  zone_id                = var.zone_id
  certificate            = var.zone_certificate
  private_key_wo         = var.zone_key
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

resource "cfaop_hostname_certificate" "this" {
  count                  = length(var.certificates)
  zone_id                = var.zone_id
  certificate            = var.certificates[count.index]
  private_key_wo         = var.keys[count.index]
  private_key_wo_version = var.key_version
  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_hostname_binding" "this" {
  count          = length(var.hostnames)
  zone_id        = var.zone_id
  hostname       = var.hostnames[count.index]
  certificate_id = cfaop_hostname_certificate.this[count.index % length(var.certificates)].id
}

output "origin_ca_sha256" {
  value = sha256(data.cfaop_global_ca.cloudflare.pem)
}
`

// floorConfig has the same shape, variables and dependency graph with
// terraform_data in place of every resource: what Terraform itself costs.
const floorConfig = configVariables + `
resource "terraform_data" "global_setting" {
  input = { zone_id = var.zone_id, enabled = true }
}

resource "terraform_data" "zone_certificate" {
  triggers_replace = [var.zone_certificate, var.key_version]
  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "zone_setting" {
  input      = { zone_id = var.zone_id, enabled = true }
  depends_on = [terraform_data.zone_certificate]
}

resource "terraform_data" "hostname_certificate" {
  count            = length(var.certificates)
  triggers_replace = [var.certificates[count.index], var.key_version]
  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "hostname_binding" {
  count = length(var.hostnames)
  input = {
    zone_id        = var.zone_id
    hostname       = var.hostnames[count.index]
    certificate_id = terraform_data.hostname_certificate[count.index % length(var.certificates)].id
  }
}
`

// variables are the values of one configuration: version 1 before the
// rotation, 2 after it (new certificates and keys throughout).
func variables(zoneID string, n, k, version int) map[string]any {
	hostnames := make([]string, n)
	for i := range hostnames {
		hostnames[i] = fmt.Sprintf("h%04d.bench.example.com", i)
	}
	zone := testcerts.MustLeaf(testcerts.WithCN(fmt.Sprintf("zone-pull-v%d.example.com", version)))
	certs, keys := make([]string, k), make([]string, k)
	for i := range certs {
		p := testcerts.MustLeaf(testcerts.WithCN(fmt.Sprintf("hostname-pull-%d-v%d.example.com", i, version)))
		certs[i], keys[i] = p.CertPEM, p.KeyPEM
	}
	return map[string]any{
		"zone_id": zoneID, "hostnames": hostnames, "zone_certificate": zone.CertPEM, "zone_key": zone.KeyPEM,
		"certificates": certs, "keys": keys, "key_version": version,
	}
}
