package originlab

import (
	"context"
	"crypto/tls"
	"fmt"
	"path/filepath"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originserver"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Level is the Authenticated Origin Pulls level a scenario sets up.
type Level string

const (
	Global   Level = "global"
	Zone     Level = "zone"
	Hostname Level = "hostname"
)

// Scenario is one origin server protected at one level.
type Scenario struct {
	Server   originserver.Kind
	Level    Level
	RepoRoot string // to find examples/modules
}

// Result is what a scenario measured.
type Result struct {
	Hostname          string
	DirectNoCert      originserver.Probe
	DirectWrongCert   originserver.Probe
	Edge              emulator.PullResult
	EdgeAfterRotation *emulator.PullResult // nil for the global level: that certificate is Cloudflare's
	RotatedSHA256     string
	EdgeAfterDestroy  emulator.PullResult
}

// Run applies the scenario's configuration, starts the origin with the
// configuration the module rendered, probes it directly and through the
// emulated edge, rotates the client certificate, destroys, and probes again.
func (l *Lab) Run(ctx context.Context, dir string, sc Scenario) (Result, error) {
	host := fmt.Sprintf("%s-%s.%s", sc.Level, sc.Server, l.ZoneName)
	res := Result{Hostname: host}
	port, err := originserver.FreePort()
	if err != nil {
		return res, err
	}
	serverDir := filepath.Join(dir, "origin")
	serverCert := testcerts.MustLeaf(testcerts.WithCN(host))
	clientCA := testcerts.MustCA("Example Client CA for " + host)
	client := testcerts.MustLeaf(testcerts.WithIssuer(clientCA), testcerts.WithCN("cloudflare-pull."+host))

	ws, err := l.Workspace(filepath.Join(dir, "tf"), map[string]string{
		"main.tf": rootModule(sc, host, port, serverDir, l.ZoneID),
	})
	if err != nil {
		return res, err
	}
	vars := map[string]any{"client_certificate": client.CertPEM, "client_key": client.KeyPEM, "client_ca": clientCA.CertPEM, "key_version": 1}
	l.say("[%s/%s] terraform apply: %s", sc.Server, sc.Level, describe(sc.Level))
	if err := ws.Apply(ctx, vars); err != nil {
		return res, err
	}
	if empty, out, err := ws.PlanIsEmpty(ctx); err != nil || !empty {
		return res, fmt.Errorf("the plan after apply is not empty (err=%v):\n%s", err, out)
	}
	outs, err := ws.Outputs(ctx)
	if err != nil {
		return res, err
	}
	if err := mkdir(serverDir); err != nil {
		return res, err
	}
	site := originserver.Site{
		Config: fmt.Sprint(outs["server_config"]),
		Files: map[string]string{
			"server.pem": serverCert.CertPEM, "server.key": serverCert.KeyPEM,
			"ca.pem": fmt.Sprint(outs["ca_bundle_pem"]), "index.html": "ok\n",
		},
	}
	l.say("[%s/%s] starting %s on 127.0.0.1:%d with the configuration the module rendered", sc.Server, sc.Level, sc.Server, port)
	srv, err := originserver.Start(ctx, sc.Server, serverDir, port, site)
	if err != nil {
		return res, err
	}
	defer func() { _ = srv.Stop() }()
	if err := l.Emu.SetOrigin(host, srv.Addr); err != nil {
		return res, err
	}

	foreign := testcerts.MustLeaf(testcerts.WithCN("attacker.example.net"))
	foreignTLS, err := tls.X509KeyPair([]byte(foreign.CertPEM), []byte(foreign.KeyPEM))
	if err != nil {
		return res, err
	}
	res.DirectNoCert = originserver.Direct(ctx, srv.Addr, host, nil)
	res.DirectWrongCert = originserver.Direct(ctx, srv.Addr, host, &foreignTLS)
	res.Edge = l.Emu.Pull(ctx, host, "/")
	l.say("[%s/%s] direct request without a client certificate: %s", sc.Server, sc.Level, res.DirectNoCert)
	l.say("[%s/%s] direct request with a certificate from another CA: %s", sc.Server, sc.Level, res.DirectWrongCert)
	l.say("[%s/%s] request through the emulated Cloudflare edge: %s", sc.Server, sc.Level, PullString(res.Edge))

	if sc.Level != Global {
		next := testcerts.MustLeaf(testcerts.WithIssuer(clientCA), testcerts.WithCN("cloudflare-pull-2."+host))
		res.RotatedSHA256 = pemcert.SHA256Fingerprint(next.Cert)
		vars["client_certificate"], vars["client_key"], vars["key_version"] = next.CertPEM, next.KeyPEM, 2
		l.say("[%s/%s] rotating the client certificate (create_before_destroy)", sc.Server, sc.Level)
		if err := ws.Apply(ctx, vars); err != nil {
			return res, err
		}
		pull := l.Emu.Pull(ctx, host, "/")
		res.EdgeAfterRotation = &pull
		l.say("[%s/%s] edge after rotation: %s", sc.Server, sc.Level, PullString(pull))
	}

	l.say("[%s/%s] terraform destroy", sc.Server, sc.Level)
	if err := ws.Destroy(ctx); err != nil {
		return res, err
	}
	res.EdgeAfterDestroy = l.Emu.Pull(ctx, host, "/")
	l.say("[%s/%s] edge after destroy: %s", sc.Server, sc.Level, PullString(res.EdgeAfterDestroy))
	return res, nil
}

func describe(level Level) string {
	switch level {
	case Global:
		return "global AOP on, origin trusts Cloudflare's origin-pull CA"
	case Zone:
		return "zone certificate uploaded and zone-level AOP on, origin trusts the certificate's CA"
	default:
		return "hostname certificate uploaded and bound to the hostname, origin trusts the certificate's CA"
	}
}

// PullString describes an edge pull in plain words.
func PullString(p emulator.PullResult) string {
	if p.Error != "" {
		return fmt.Sprintf("refused: %s (presented %s certificate)", p.Error, p.Level)
	}
	return fmt.Sprintf("%s (presented %s certificate)", originserver.Probe{Status: p.Status, Body: p.BodyExcerpt}, p.Level)
}

// rootModule renders the configuration of one scenario.
func rootModule(sc Scenario, host string, port int, serverDir, zoneID string) string {
	var level, trusted string
	switch sc.Level {
	case Global:
		level = `
resource "cfaop_global_setting" "this" {
  zone_id = local.zone_id
  enabled = true
}
`
		trusted = "[data.cfaop_global_ca.cloudflare.pem]"
	case Zone:
		level = `
resource "cfaop_zone_certificate" "this" {
  zone_id                = local.zone_id
  certificate            = var.client_certificate
  private_key_wo         = var.client_key
  private_key_wo_version = var.key_version
  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_zone_setting" "this" {
  zone_id    = local.zone_id
  enabled    = true
  depends_on = [cfaop_zone_certificate.this]
}
`
		trusted = "[var.client_ca]"
	case Hostname:
		level = `
resource "cfaop_hostname_certificate" "this" {
  zone_id                = local.zone_id
  certificate            = var.client_certificate
  private_key_wo         = var.client_key
  private_key_wo_version = var.key_version
  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_hostname_binding" "this" {
  zone_id             = local.zone_id
  hostname            = local.hostname
  certificate_id      = cfaop_hostname_certificate.this.id
  wait_for_deployment = false
}

resource "cfaop_hostname_deployment" "this" {
  zone_id  = local.zone_id
  bindings = { (cfaop_hostname_binding.this.hostname) = cfaop_hostname_binding.this.certificate_id }
}
`
		trusted = "[var.client_ca]"
	}
	module, output, extra := "origin-nginx", "server_block", ""
	if sc.Server == originserver.Apache {
		module, output = "origin-apache", "virtual_host"
		extra = fmt.Sprintf("  document_root           = %q\n", serverDir)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	return fmt.Sprintf(`terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

variable "client_certificate" {
  type = string
}

variable "client_key" {
  type      = string
  sensitive = true
}

variable "client_ca" {
  type = string
}

variable "key_version" {
  type = number
}

locals {
  zone_id  = %[1]q
  hostname = %[2]q
}

data "cfaop_global_ca" "cloudflare" {}
%[3]s
module "origin" {
  source                  = %[4]q
  server_name             = local.hostname
  listen                  = %[5]q
  server_certificate_file = %[6]q
  server_key_file         = %[7]q
  ca_file                 = %[8]q
  trusted_certificates    = %[9]s
%[10]s}

output "server_config" {
  value = module.origin.%[11]s
}

output "ca_bundle_pem" {
  value = module.origin.ca_bundle_pem
}

output "ca_fingerprints" {
  value = module.origin.ca_fingerprints
}
`, zoneID, host, level, filepath.Join(sc.RepoRoot, "examples", "modules", module), listen,
		filepath.Join(serverDir, "server.pem"), filepath.Join(serverDir, "server.key"), filepath.Join(serverDir, "ca.pem"),
		trusted, extra, output)
}
