package faultsuite

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Mix is a named set of probabilistic faults applied to a whole run.
type Mix struct {
	Name   string
	Faults []emulator.Fault
	// FailOneUpload also fails every try of one certificate's upload with a
	// 503 before it is stored, so that the first apply fails for certain and
	// the re-apply after a failed apply is exercised on every run.
	FailOneUpload bool
}

// defaultRetries is the provider's default max_retries, which the suite's
// configuration keeps.
const defaultRetries = 4

// uploadAttempts is how often the provider sends a certificate upload that
// failed before it was stored (its uploadAttempts).
const uploadAttempts = 3

// Mixes are the fault mixes of the suite. Probabilities are per request;
// the provider retries idempotent requests up to max_retries times and
// reconciles uploads. Every fault is transient: it meets the same request
// (a retry, with the same method, path and body) at most MaxInARow times in
// a row, fewer than the provider's tries, so each mix converges in one apply
// (two with FailOneUpload) whatever the order of concurrent requests. Without
// the bound, a request now and then drew a fault on every try, and whether a
// mix converged depended on the draw.
func Mixes() []Mix {
	transient := uploadAttempts - 1 // an upload's last try gets through
	before5xx := emulator.Fault{Status: 503, Probability: 0.2, MaxInARow: transient}
	after5xx := emulator.Fault{Status: 502, AfterApply: true, Probability: 0.2, MaxInARow: transient}
	resetBefore := emulator.Fault{Reset: true, Probability: 0.1, MaxInARow: transient}
	resetAfter := emulator.Fault{Reset: true, AfterApply: true, Probability: 0.1, MaxInARow: transient}
	// A burst is one 429 shorter than the tries the provider makes by
	// default (defaultRetries+1), so one burst never exhausts a request's
	// retries even when no other request takes a share of it; MaxInARow
	// keeps a second burst from following it on the same request. 429s are
	// retried for uploads too.
	burst429 := emulator.Fault{Status: 429, RetryAfter: 1, Probability: 0.05, Burst: defaultRetries, MaxInARow: defaultRetries}
	spike := emulator.Fault{Hang: 1500 * time.Millisecond, Probability: 0.15, MaxInARow: transient}
	truncated := emulator.Fault{Truncate: true, Probability: 0.2, MaxInARow: transient}
	scaled := func(f emulator.Fault, by float64) emulator.Fault { f.Probability *= by; return f }
	return []Mix{
		{Name: "5xx before apply", Faults: []emulator.Fault{before5xx}, FailOneUpload: true},
		{Name: "5xx after apply", Faults: []emulator.Fault{after5xx}},
		{Name: "connection resets", Faults: []emulator.Fault{resetBefore, resetAfter}},
		{Name: "429 bursts", Faults: []emulator.Fault{burst429}},
		{Name: "latency spikes", Faults: []emulator.Fault{spike}},
		{Name: "truncated bodies", Faults: []emulator.Fault{truncated}},
		{Name: "all mixed", Faults: []emulator.Fault{
			scaled(before5xx, 0.4), scaled(after5xx, 0.4), scaled(resetBefore, 0.4), scaled(resetAfter, 0.4),
			scaled(burst429, 0.5), scaled(spike, 0.5), scaled(truncated, 0.4),
		}},
	}
}

// Shape sizes a configuration per zone.
type Shape struct {
	ZoneCerts, HostnameCerts, Bindings int
	// Switches adds cfaop_global_setting and cfaop_zone_setting per zone.
	Switches bool
}

// Resources is the number of resources the shape makes in n zones.
func (s Shape) Resources(zones int) int {
	n := s.ZoneCerts + s.HostnameCerts + s.Bindings
	if s.Switches {
		n += 2
	}
	return n * zones
}

// Fixture is a configuration and its variables.
type Fixture struct {
	Files map[string]string
	Vars  map[string]any
	// Keys are every private key used, for the secret scans.
	Keys []string
	// Certs are every certificate, by resource key.
	Certs map[string]testcerts.Pair
	Count int
}

// mainTF is the configuration; certificates and keys come from variables so
// that neither appears in the configuration text or in diagnostics' source
// snippets.
const mainTF = `terraform {
  required_providers {
    cfaop = { source = "cfaop/cfaop" }
  }
}

provider "cfaop" {
  max_backoff = "2s"
}

variable "zones" { type = map(string) }
variable "zone_certs" { type = map(object({ zone = string, pem = string })) }
variable "hostname_certs" { type = map(object({ zone = string, pem = string })) }
variable "bindings" { type = map(object({ zone = string, hostname = string, cert = string })) }
variable "switches" { type = map(string) }
variable "key_version" { type = number }
variable "keys" {
  type      = map(string)
  sensitive = true
}

resource "cfaop_zone_certificate" "c" {
  for_each               = var.zone_certs
  zone_id                = each.value.zone
  certificate            = each.value.pem
  private_key_wo         = var.keys[each.key]
  private_key_wo_version = var.key_version
}

resource "cfaop_hostname_certificate" "h" {
  for_each               = var.hostname_certs
  zone_id                = each.value.zone
  certificate            = each.value.pem
  private_key_wo         = var.keys[each.key]
  private_key_wo_version = var.key_version
  lifecycle {
    create_before_destroy = true
  }
}

resource "cfaop_hostname_binding" "b" {
  for_each       = var.bindings
  zone_id        = each.value.zone
  hostname       = each.value.hostname
  certificate_id = cfaop_hostname_certificate.h[each.value.cert].id
}

resource "cfaop_global_setting" "g" {
  for_each = var.switches
  zone_id  = each.value
  enabled  = true
}

resource "cfaop_zone_setting" "z" {
  for_each   = var.switches
  zone_id    = each.value
  enabled    = true
  depends_on = [cfaop_zone_certificate.c]
}
`

// NewFixture builds the configuration for zones (name -> ID) in the given
// shape. Bindings go round-robin over the zone's hostname certificates.
func NewFixture(zones map[string]string, shape Shape) (Fixture, error) {
	f := Fixture{Files: map[string]string{"main.tf": mainTF}, Certs: map[string]testcerts.Pair{}}
	zoneCerts, hostCerts, bindings, switches := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	keys := map[string]string{}
	names := make([]string, 0, len(zones))
	for name := range zones {
		names = append(names, name)
	}
	sort.Strings(names)
	for zi, name := range names {
		id := zones[name]
		add := func(key string, into map[string]any) error {
			p, err := leaf(fmt.Sprintf("%s.%s", key, name), len(f.Certs))
			if err != nil {
				return err
			}
			f.Certs[key] = p
			f.Keys = append(f.Keys, p.KeyPEM)
			keys[key] = p.KeyPEM
			into[key] = map[string]string{"zone": id, "pem": p.CertPEM}
			return nil
		}
		for i := range shape.ZoneCerts {
			if err := add(fmt.Sprintf("z%d-zc%d", zi, i), zoneCerts); err != nil {
				return f, err
			}
		}
		for i := range shape.HostnameCerts {
			if err := add(fmt.Sprintf("z%d-hc%d", zi, i), hostCerts); err != nil {
				return f, err
			}
		}
		for i := range shape.Bindings {
			if shape.HostnameCerts == 0 {
				return f, fmt.Errorf("bindings need hostname certificates")
			}
			bindings[fmt.Sprintf("z%d-b%d", zi, i)] = map[string]string{
				"zone": id, "hostname": fmt.Sprintf("app%d.%s", i, name), "cert": fmt.Sprintf("z%d-hc%d", zi, i%shape.HostnameCerts),
			}
		}
		if shape.Switches {
			switches[fmt.Sprintf("z%d", zi)] = id
		}
	}
	f.Vars = map[string]any{
		"zones": zones, "zone_certs": zoneCerts, "hostname_certs": hostCerts, "bindings": bindings,
		"switches": switches, "keys": keys, "key_version": 1,
	}
	f.Count = shape.Resources(len(zones))
	return f, nil
}

// leaf makes a client certificate; key types alternate so that RSA (many
// base64 lines per key), ECDSA and Ed25519 keys are all exercised. The i-th
// RSA key is made once and shared by the fixtures of the package's tests,
// which each have their own emulator: generating RSA keys under the race
// detector was the largest part of the suite process's own CPU.
func leaf(cn string, i int) (testcerts.Pair, error) {
	opts := []testcerts.Option{testcerts.WithCN(cn)}
	switch i % 3 {
	case 1:
		key, err := rsaKey(i)
		if err != nil {
			return testcerts.Pair{}, err
		}
		opts = append(opts, testcerts.WithKey(key))
	case 2:
		opts = append(opts, testcerts.WithEd25519())
	}
	return testcerts.Leaf(opts...)
}

var rsaKeys sync.Map // int -> func() (*rsa.PrivateKey, error)

// rsaKey returns the i-th shared 2048-bit RSA key.
func rsaKey(i int) (*rsa.PrivateKey, error) {
	gen, _ := rsaKeys.LoadOrStore(i, sync.OnceValues(func() (*rsa.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 2048)
	}))
	return gen.(func() (*rsa.PrivateKey, error))()
}

// StateResource is one resource instance from `terraform show -json`.
type StateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// ParseState reads the output of `terraform show -json`.
func ParseState(raw []byte) ([]StateResource, error) {
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []StateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	if doc.Values == nil {
		return nil, nil
	}
	return doc.Values.RootModule.Resources, nil
}

// Report compares the Terraform state with the emulator.
type Report struct {
	// Orphans are live certificates and hostname associations at
	// Cloudflare that no resource in state holds.
	Orphans []string
	// Duplicates are certificates held twice: two live certificates with one
	// fingerprint in a zone, or two resources in state with one ID.
	Duplicates []string
	// Disagreements are resources whose state differs from Cloudflare.
	Disagreements []string
	// InState is the number of resources in state.
	InState int
}

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d resources in state, %d orphans, %d duplicates, %d disagreements", r.InState, len(r.Orphans), len(r.Duplicates), len(r.Disagreements))
	for _, group := range [][]string{r.Orphans, r.Duplicates, r.Disagreements} {
		for _, s := range group {
			b.WriteString("\n  " + s)
		}
	}
	return b.String()
}

func str(v map[string]any, k string) string { s, _ := v[k].(string); return s }

func live(c emulator.CertificateState) bool {
	return c.Status != emulator.StatusDeleted && c.Status != emulator.StatusPendingDeletion
}

// Compare checks the state against the emulator's snapshot.
func Compare(state []StateResource, snap emulator.State) Report {
	rep := Report{InState: len(state)}
	zones := map[string]emulator.ZoneState{}
	for _, z := range snap.Zones {
		zones[z.ID] = z
	}
	type certKey struct{ zone, kind, id string }
	certs := map[certKey]emulator.CertificateState{}
	for _, z := range snap.Zones {
		for kind, list := range map[string][]emulator.CertificateState{"zone": z.ZoneCertificates, "hostname": z.HostnameCertificates} {
			seen := map[string]string{}
			for _, c := range list {
				if !live(c) {
					continue
				}
				certs[certKey{z.ID, kind, c.ID}] = c
				if other, dup := seen[c.SHA256]; dup {
					rep.Duplicates = append(rep.Duplicates, fmt.Sprintf("zone %s holds %s certificate %s twice (%s and %s)", z.Name, kind, c.SHA256[:12], other, c.ID))
				}
				seen[c.SHA256] = c.ID
			}
		}
	}
	held := map[certKey]string{}
	heldBindings := map[string]bool{}
	disagree := func(addr, format string, args ...any) {
		rep.Disagreements = append(rep.Disagreements, addr+": "+fmt.Sprintf(format, args...))
	}
	for _, r := range state {
		v := r.Values
		zoneID := str(v, "zone_id")
		z, zoneOK := zones[zoneID]
		if !zoneOK {
			disagree(r.Address, "zone %q is not served", zoneID)
			continue
		}
		switch r.Type {
		case "cfaop_zone_certificate", "cfaop_hostname_certificate":
			kind := strings.TrimSuffix(strings.TrimPrefix(r.Type, "cfaop_"), "_certificate")
			k := certKey{zoneID, kind, str(v, "id")}
			if prev, dup := held[k]; dup {
				rep.Duplicates = append(rep.Duplicates, fmt.Sprintf("%s and %s both hold certificate %s", prev, r.Address, k.id))
			}
			held[k] = r.Address
			c, ok := certs[k]
			switch {
			case !ok:
				disagree(r.Address, "certificate %s is not live at Cloudflare", k.id)
			case c.SHA256 != str(v, "sha256_fingerprint"):
				disagree(r.Address, "fingerprint %s in state, %s at Cloudflare", str(v, "sha256_fingerprint"), c.SHA256)
			case c.Status != str(v, "status"):
				disagree(r.Address, "status %q in state, %q at Cloudflare", str(v, "status"), c.Status)
			}
			if v["private_key_wo"] != nil {
				disagree(r.Address, "the write-only key is in state")
			}
		case "cfaop_hostname_binding":
			host := str(v, "hostname")
			heldBindings[zoneID+"/"+host] = true
			var b *emulator.BindingState
			for i := range z.Bindings {
				if z.Bindings[i].Hostname == host {
					b = &z.Bindings[i]
				}
			}
			enabled, _ := v["enabled"].(bool)
			switch {
			case b == nil || b.Enabled == nil:
				disagree(r.Address, "no association for %s at Cloudflare", host)
			case b.CertID != str(v, "certificate_id"):
				disagree(r.Address, "certificate %s in state, %s at Cloudflare", str(v, "certificate_id"), b.CertID)
			case *b.Enabled != enabled:
				disagree(r.Address, "enabled %t in state, %t at Cloudflare", enabled, *b.Enabled)
			case b.Status != str(v, "status"):
				disagree(r.Address, "status %q in state, %q at Cloudflare", str(v, "status"), b.Status)
			}
		case "cfaop_global_setting", "cfaop_zone_setting":
			enabled, _ := v["enabled"].(bool)
			actual := z.Settings.TLSClientAuth == "on"
			if r.Type == "cfaop_zone_setting" {
				actual = z.Settings.ZoneLevelEnabled
			}
			if actual != enabled {
				disagree(r.Address, "enabled %t in state, %t at Cloudflare", enabled, actual)
			}
		}
	}
	for k, c := range certs {
		if _, ok := held[k]; !ok {
			rep.Orphans = append(rep.Orphans, fmt.Sprintf("%s certificate %s (%s, %s) in zone %s is in no resource", k.kind, k.id, c.SHA256[:12], c.Status, zones[k.zone].Name))
		}
	}
	for _, z := range snap.Zones {
		for _, b := range z.Bindings {
			if b.Enabled != nil && !heldBindings[z.ID+"/"+b.Hostname] {
				rep.Orphans = append(rep.Orphans, fmt.Sprintf("association of %s with %s is in no resource", b.Hostname, b.CertID))
			}
		}
	}
	sort.Strings(rep.Orphans)
	sort.Strings(rep.Duplicates)
	sort.Strings(rep.Disagreements)
	return rep
}

// Clean reports what a destroyed configuration left at Cloudflare: live
// certificates, associations and switches still on.
func Clean(snap emulator.State) []string {
	var left []string
	for _, z := range snap.Zones {
		for _, c := range append(append([]emulator.CertificateState{}, z.ZoneCertificates...), z.HostnameCertificates...) {
			if live(c) {
				left = append(left, fmt.Sprintf("certificate %s in zone %s", c.ID, z.Name))
			}
		}
		for _, b := range z.Bindings {
			if b.Enabled != nil {
				left = append(left, fmt.Sprintf("association of %s", b.Hostname))
			}
		}
		if z.Settings.TLSClientAuth == "on" || z.Settings.ZoneLevelEnabled {
			left = append(left, fmt.Sprintf("a switch of zone %s is still on", z.Name))
		}
	}
	return left
}
