package originlab

import (
	"context"
	"crypto/sha1" //nolint:gosec // nginx's $ssl_client_fingerprint is SHA-1; compared, not trusted
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originserver"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The origin half of the checklist, with real nginx and Apache rendered by
// the origin modules: (d) in SSL mode Flexible the apply warns and the edge
// presents no certificate; (b) in optional mode the origin logs SUCCESS with
// the edge certificate and NONE for a direct request, and (nginx) passes the
// verdict to the application; (a) the allow list from cfaop_ip_ranges
// refuses a direct request from 127.0.0.2 while the edge from 127.0.0.1 gets
// 200; (c) a check block with cfaop_origin_probe warns while the origin
// serves requests without a certificate and passes once it requires one.
func TestEndToEnd_allowListVerdictAndProbe(t *testing.T) {
	t.Parallel()
	requireServers(t)
	root, _ := filepath.Abs("../..")
	for _, server := range []originserver.Kind{originserver.Nginx, originserver.Apache} {
		t.Run(string(server), func(t *testing.T) {
			// Each server has its own emulator, so both run side by side.
			t.Parallel()
			lab := newLab(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if err := lab.Emu.SetIPRanges(emulator.IPRanges{IPv4CIDRs: []string{"127.0.0.1/32"}}); err != nil {
				t.Fatal(err)
			}
			if err := lab.Emu.SetSSLMode(lab.ZoneID, emulator.SSLFlexible); err != nil {
				t.Fatal(err)
			}
			app := newVerdictApp(t)
			host := "verdict-" + string(server) + "." + lab.ZoneName
			port, err := originserver.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			serverDir := filepath.Join(dir, "origin")
			if err := mkdir(serverDir); err != nil {
				t.Fatal(err)
			}
			ws, err := lab.Workspace(filepath.Join(dir, "tf"), map[string]string{
				"main.tf": verdictRootModule(server, root, host, port, serverDir, lab.ZoneID, app.addr),
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ws.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
				t.Fatal(err)
			}
			apply := func(mode string) string {
				t.Helper()
				out, err := ws.Run(ctx, "apply", "-input=false", "-auto-approve", "-no-color", "-var", "mode="+mode)
				if err != nil {
					t.Fatal(err)
				}
				return out
			}

			// (d) Flexible: the apply warns, the edge pulls without a certificate.
			out := apply("optional")
			if !strings.Contains(out, "Warning: SSL/TLS Mode Disables Authenticated Origin Pulls") || !strings.Contains(out, `is in SSL/TLS mode "flexible"`) {
				t.Fatalf("(d) apply in Flexible mode did not warn:\n%s", out)
			}
			t.Logf("(d) apply: %s", firstMatch(out, `Warning: SSL/TLS Mode.*`))
			srv := startOrigin(ctx, t, ws, server, serverDir, port, "")
			if err := lab.Emu.SetOrigin(host, srv.Addr); err != nil {
				t.Fatal(err)
			}
			pull := lab.Emu.Pull(ctx, host, "/")
			// Plain HTTP to the TLS port: both servers answer 400.
			if pull.SSLMode != emulator.SSLFlexible || pull.Level != emulator.PullLevelNone || pull.CertificateSHA256 != "" || pull.EdgeStatus != 400 {
				t.Fatalf("(d) edge in Flexible mode: %+v", pull)
			}
			t.Logf("(d) edge in Flexible mode: ssl_mode=%s level=%s certificate=%q edge_status=%d %q", pull.SSLMode, pull.Level, pull.CertificateSHA256, pull.EdgeStatus, strings.TrimSpace(firstMatch(pull.BodyExcerpt, `<title>.*</title>`)))
			if err := lab.Emu.SetSSLMode(lab.ZoneID, emulator.SSLFull); err != nil {
				t.Fatal(err)
			}

			// (b) Optional mode: served either way, verdict logged and passed on.
			edge := lab.Emu.Pull(ctx, host, "/")
			direct := originserver.DirectFrom(ctx, "127.0.0.1", srv.Addr, host, nil)
			if edge.Status != 200 || edge.Level != emulator.PullLevelGlobal || direct.Status != 200 {
				t.Fatalf("(b) optional mode: edge %+v, direct %s; want 200 for both", edge, direct)
			}
			global := lab.Emu.GlobalCertificate()
			log := waitForLog(t, filepath.Join(serverDir, "aop.log"), "verify=SUCCESS", "verify=NONE")
			success, none := firstMatch(log, `.*verify=SUCCESS.*`), firstMatch(log, `.*verify=NONE.*`)
			wantID := certificateInLog(server, global.Raw, global.SerialNumber)
			if success == "" || none == "" || !strings.Contains(strings.ToLower(success), wantID) {
				t.Fatalf("(b) verdict log lacks SUCCESS with %s or NONE:\n%s", wantID, log)
			}
			t.Logf("(b) log: %s", success)
			t.Logf("(b) log: %s", none)
			if server == originserver.Nginx {
				if got := app.verdicts(); strings.Join(got, ",") != "SUCCESS,NONE" {
					t.Fatalf("(b) the application received verdicts %q, want SUCCESS then NONE", got)
				}
				t.Logf("(b) application received X-Client-Verify: %s", strings.Join(app.verdicts(), ", "))
			}

			// (a) The allow list: 127.0.0.2 is refused, the edge from 127.0.0.1 served.
			outside := originserver.DirectFrom(ctx, "127.0.0.2", srv.Addr, host, nil)
			if outside.Status != 403 || edge.EdgeStatus != 200 {
				t.Fatalf("(a) direct from 127.0.0.2: %s; edge: %d; want 403 and 200", outside, edge.EdgeStatus)
			}
			t.Logf("(a) direct from 127.0.0.2: %s; edge from 127.0.0.1: HTTP %d (%s certificate)", outside, edge.Status, edge.Level)

			// (c) The check block warns while the origin serves without a certificate ...
			plan, err := ws.Run(ctx, "plan", "-input=false", "-no-color", "-var", "mode=optional")
			if err != nil || !strings.Contains(plan, "Warning: Check block assertion failed") || !strings.Contains(plan, "serves "+host+" without a client certificate") {
				t.Fatalf("(c) plan against the open origin did not warn (%v):\n%s", err, plan)
			}
			t.Logf("(c) open origin: %s", firstMatch(plan, `Warning: Check block assertion failed`))
			_ = srv.Stop()

			// ... and passes once it requires one.
			apply("on")
			srv = startOrigin(ctx, t, ws, server, serverDir, port, "on")
			defer func() { _ = srv.Stop() }()
			plan, err = ws.Run(ctx, "plan", "-input=false", "-no-color", "-var", "mode=on")
			if err != nil || strings.Contains(plan, "Check block assertion failed") || !regexp.MustCompile(`accepts_without_client_certificate\s+= false`).MatchString(plan) {
				t.Fatalf("(c) plan against the locked origin (%v):\n%s", err, plan)
			}
			locked := originserver.DirectFrom(ctx, "127.0.0.1", srv.Addr, host, nil)
			if edge := lab.Emu.Pull(ctx, host, "/"); edge.Status != 200 || locked.Status == 200 {
				t.Fatalf("(c) locked origin: edge %+v, direct %s", edge, locked)
			}
			t.Logf("(c) locked origin: plan without check warnings; direct without certificate: %s", locked)
			if _, err := ws.Run(ctx, "destroy", "-input=false", "-auto-approve", "-no-color", "-var", "mode=on"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// verdictApp is the application behind nginx: it records the verdict header.
type verdictApp struct {
	addr string
	mu   sync.Mutex
	seen []string
}

func newVerdictApp(t *testing.T) *verdictApp {
	a := &verdictApp{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, r.Header.Get("X-Client-Verify"))
		a.mu.Unlock()
		_, _ = w.Write([]byte("app\n"))
	}))
	t.Cleanup(ts.Close)
	a.addr = ts.Listener.Addr().String()
	return a
}

func (a *verdictApp) verdicts() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// startOrigin starts the server with the configuration the module rendered.
func startOrigin(ctx context.Context, t *testing.T, ws *Workspace, server originserver.Kind, dir string, port int, _ string) *originserver.Server {
	t.Helper()
	outs, err := ws.Outputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	serverCert := testcerts.MustLeaf(testcerts.WithCN("origin"))
	srv, err := originserver.Start(ctx, server, dir, port, originserver.Site{
		Config: fmt.Sprint(outs["server_config"]),
		Files: map[string]string{"server.pem": serverCert.CertPEM, "server.key": serverCert.KeyPEM,
			"ca.pem": fmt.Sprint(outs["ca_bundle_pem"]), "index.html": "ok\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// certificateInLog is how the server logs the client certificate: nginx its
// SHA-1 fingerprint, Apache (which has no fingerprint variable) its serial
// as OpenSSL writes it: whole bytes in hex, so a serial whose first byte is
// below 0x10 starts with a 0 (big.Int.Text(16) would drop it, and the test
// failed for one random serial in sixteen).
func certificateInLog(server originserver.Kind, der []byte, serial *big.Int) string {
	if server == originserver.Nginx {
		sum := sha1.Sum(der) //nolint:gosec // see the import
		return "fingerprint=" + hex.EncodeToString(sum[:])
	}
	return "serial=" + hex.EncodeToString(serial.Bytes())
}

// waitForLog reads the log at path until it holds every one of want (the
// servers write a line after the answer) or 5 seconds passed.
func waitForLog(t *testing.T, path string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		missing := false
		for _, w := range want {
			missing = missing || !strings.Contains(string(b), w)
		}
		if !missing || time.Now().After(deadline) {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func firstMatch(s, pattern string) string {
	return regexp.MustCompile(pattern).FindString(s)
}

func verdictRootModule(server originserver.Kind, root, host string, port int, dir, zoneID, appAddr string) string {
	module, output, extra := "origin-nginx", `"${module.origin.http_snippet}\n${module.origin.server_block}"`,
		fmt.Sprintf("  location_block = %q\n", "proxy_pass http://"+appAddr+";")
	if server == originserver.Apache {
		module, output, extra = "origin-apache", "module.origin.virtual_host", fmt.Sprintf("  document_root = %q\n", dir)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

provider "cfaop" {}

variable "mode" {
  type = string
}

data "cfaop_global_ca" "cloudflare" {}

data "cfaop_ip_ranges" "cloudflare" {}

resource "cfaop_global_setting" "this" {
  zone_id = %[1]q
  enabled = true
}

module "origin" {
  source                  = %[2]q
  server_name             = %[3]q
  listen                  = "127.0.0.1:%[4]d"
  server_certificate_file = "%[5]s/server.pem"
  server_key_file         = "%[5]s/server.key"
  ca_file                 = "%[5]s/ca.pem"
  trusted_certificates    = [data.cfaop_global_ca.cloudflare.pem]
  allowed_cidrs           = data.cfaop_ip_ranges.cloudflare.cidrs
  verification_mode       = var.mode
  verdict_header          = "X-Client-Verify"
  verdict_log_file        = "%[5]s/aop.log"
%[6]s}

check "origin_refuses_direct_traffic" {
  data "cfaop_origin_probe" "direct" {
    address  = "127.0.0.1:%[4]d"
    hostname = %[3]q
    timeout  = "5s"
  }

  assert {
    condition     = !data.cfaop_origin_probe.direct.accepts_without_client_certificate
    error_message = "The origin serves ${data.cfaop_origin_probe.direct.hostname} without a client certificate (HTTP ${data.cfaop_origin_probe.direct.http_status})."
  }
}

output "server_config" {
  value = %[7]s
}

output "ca_bundle_pem" {
  value = module.origin.ca_bundle_pem
}
`, zoneID, filepath.Join(root, "examples", "modules", module), host, port, dir, extra, output)
}
