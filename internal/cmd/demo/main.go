// Command demo is `make demo`: it applies the complete example in
// examples/full-setup against the emulator, starts a real nginx with the
// configuration Terraform rendered, shows a direct request being refused (by
// the allow list from outside Cloudflare's ranges, by the client certificate
// check from inside them) and a request through the emulated Cloudflare edge
// succeeding, shows the plan's warning while the zone is in SSL/TLS mode
// Flexible and its check block probing the origin, and tears everything down.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
	"github.com/cfaop/terraform-provider-cfaop/internal/originserver"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

func main() {
	repo := flag.String("repo", ".", "repository root")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := run(ctx, *repo); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("\nDemo finished in %s.\n", time.Since(start).Round(time.Second))
}

func step(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }
func info(format string, args ...any) { fmt.Printf("    "+format+"\n", args...) }

func run(ctx context.Context, repo string) error {
	root, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	if err := originserver.Installed(originserver.Nginx); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "cfaop-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	step("Building the provider and starting the Cloudflare API emulator")
	lab, err := originlab.New(ctx, originlab.Options{RepoRoot: root, WorkDir: work, Say: info, Delay: time.Second})
	if err != nil {
		return err
	}
	defer func() { _ = lab.Close() }()
	hostname := "app." + lab.ZoneName

	step("Generating certificates (a client CA, the zone and hostname client certificates, the origin's TLS certificate)")
	clientCA := testcerts.MustCA("Demo Client CA")
	zoneCert := testcerts.MustLeaf(testcerts.WithIssuer(clientCA), testcerts.WithCN("zone-pull."+lab.ZoneName))
	hostCert := testcerts.MustLeaf(testcerts.WithIssuer(clientCA), testcerts.WithCN("app-pull."+lab.ZoneName))
	// A server certificate valid for the hostname: Full (strict) checks it.
	originCert := testcerts.MustLeaf(testcerts.WithCN(hostname), testcerts.WithDNSNames(hostname), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	port, err := originserver.FreePort()
	if err != nil {
		return err
	}
	originDir := filepath.Join(work, "origin")
	if err := os.MkdirAll(originDir, 0o755); err != nil {
		return err
	}

	// The emulated edge pulls from 127.0.0.1: that is "Cloudflare's range" here.
	if err := lab.Emu.SetIPRanges(emulator.IPRanges{IPv4CIDRs: []string{"127.0.0.1/32"}}); err != nil {
		return err
	}
	info("the emulator answers GET /client/v4/ips with 127.0.0.1/32, the address its edge pulls from")

	if err := originlab.CopyTree(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		return err
	}
	ws, err := lab.Workspace(filepath.Join(work, "examples", "full-setup"), nil)
	if err != nil {
		return err
	}
	vars := map[string]any{
		"zone_id": lab.ZoneID, "hostname": hostname,
		"zone_certificate": zoneCert.CertPEM, "zone_private_key": zoneCert.KeyPEM,
		"hostname_certificate": hostCert.CertPEM, "hostname_private_key": hostCert.KeyPEM,
		"client_ca_certificate":   clientCA.CertPEM,
		"origin_listen":           fmt.Sprintf("127.0.0.1:%d", port),
		"origin_certificate_file": filepath.Join(originDir, "server.pem"),
		"origin_key_file":         filepath.Join(originDir, "server.key"),
		"origin_ca_file":          filepath.Join(originDir, "ca.pem"),
	}
	vars["origin_address"] = fmt.Sprintf("127.0.0.1:%d", port)
	// The application nginx passes accepted requests to.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, "hello from the application (X-Client-Verify: %s)\n", r.Header.Get("X-Client-Verify"))
	}))
	defer app.Close()
	vars["origin_location_block"] = "proxy_pass " + app.URL + ";"

	step("The zone is in SSL/TLS mode Flexible: Cloudflare would pull over plain HTTP, without any client certificate")
	if err := lab.Emu.SetSSLMode(lab.ZoneID, emulator.SSLFlexible); err != nil {
		return err
	}
	plan, err := ws.Plan(ctx, vars)
	if err != nil {
		return err
	}
	warning := warningBlock(plan, "SSL/TLS Mode Disables Authenticated Origin Pulls")
	if warning == "" {
		return fmt.Errorf("the plan did not warn about SSL/TLS mode Flexible:\n%s", plan)
	}
	info("terraform plan says:")
	fmt.Println(indent(warning, "      "))
	if err := lab.Emu.SetSSLMode(lab.ZoneID, emulator.SSLStrict); err != nil {
		return err
	}
	info("switched the zone to Full (strict), as the warning advises (in the dashboard, or the Cloudflare provider)")

	step("terraform apply: examples/full-setup (global CA, both zone switches, a zone certificate, a hostname certificate, a binding, the nginx module)")
	applyStart := time.Now()
	if err := ws.Apply(ctx, vars); err != nil {
		return err
	}
	info("applied in %s; the emulator took %d API requests", time.Since(applyStart).Round(time.Millisecond), total(lab.Emu.Counts()))
	outs, err := ws.Outputs(ctx)
	if err != nil {
		return err
	}
	info("the origin trusts: %v", outs["origin_ca_fingerprints"])
	info("Cloudflare presents for %s the certificate %v", hostname, outs["hostname_certificate_fingerprint"])

	step("Starting nginx on 127.0.0.1:%d with the server block Terraform rendered", port)
	fmt.Println(indent(fmt.Sprint(outs["nginx_server_block"]), "      "))
	srv, err := originserver.Start(ctx, originserver.Nginx, originDir, port, originserver.Site{
		Config: fmt.Sprint(outs["nginx_server_block"]),
		Files: map[string]string{
			"server.pem": originCert.CertPEM, "server.key": originCert.KeyPEM,
			"ca.pem": fmt.Sprint(outs["origin_ca_bundle_pem"]),
		},
	})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Stop() }()
	if err := lab.Emu.SetOrigin(hostname, srv.Addr); err != nil {
		return err
	}
	// Full (strict) verifies the origin's certificate: the emulator trusts
	// the one this demo made, as Cloudflare trusts its Origin CA.
	if err := lab.Emu.SetOriginTrust([]byte(originCert.CertPEM)); err != nil {
		return err
	}
	info("nftables ruleset for the host's firewall (output nftables_ruleset):")
	fmt.Println(indent(fmt.Sprint(outs["nftables_ruleset"]), "      "))

	step("A client outside Cloudflare's ranges (127.0.0.2) connects directly, even with a stolen copy of the hostname's client certificate")
	stolen, err := tls.X509KeyPair([]byte(hostCert.CertPEM), []byte(hostCert.KeyPEM))
	if err != nil {
		return err
	}
	outside := originserver.DirectFrom(ctx, "127.0.0.2", srv.Addr, hostname, &stolen)
	info("refused by the allow list: %s", outside)
	if outside.Status != 403 {
		return fmt.Errorf("the allow list did not refuse 127.0.0.2: %s", outside)
	}

	step("An attacker who found the origin's address connects directly from inside the allowed range, without Cloudflare's certificate")
	direct := originserver.Direct(ctx, srv.Addr, hostname, nil)
	info("without a client certificate: %s", direct)
	if direct.Status == 200 {
		return fmt.Errorf("the origin answered a direct request: %s", direct)
	}
	forged := testcerts.MustLeaf(testcerts.WithCN("cloudflare-pull.attacker.example"))
	forgedTLS, err := tls.X509KeyPair([]byte(forged.CertPEM), []byte(forged.KeyPEM))
	if err != nil {
		return err
	}
	withForged := originserver.Direct(ctx, srv.Addr, hostname, &forgedTLS)
	info("with a self-made client certificate: %s", withForged)
	if withForged.Status == 200 {
		return fmt.Errorf("the origin accepted a forged client certificate: %s", withForged)
	}

	step("Cloudflare (the emulated edge) pulls from the origin")
	pull := lab.Emu.Pull(ctx, hostname, "/")
	if pull.Error != "" || pull.Status != 200 {
		return fmt.Errorf("the edge was refused: %+v", pull)
	}
	info("result: HTTP %d %q, presenting the %s-level certificate %s (SSL/TLS mode %s; visitors see %d)", pull.Status, strings.TrimSpace(pull.BodyExcerpt), pull.Level, short(pull.CertificateSHA256), pull.SSLMode, pull.EdgeStatus)

	step("terraform plan: the check block probes the running origin")
	plan, err = ws.Plan(ctx, vars)
	if err != nil {
		return err
	}
	if strings.Contains(plan, "Check block assertion failed") {
		return fmt.Errorf("the check block failed against the locked origin:\n%s", plan)
	}
	for _, attr := range []string{"client_certificate_requested", "accepts_without_client_certificate", "http_status"} {
		info("cfaop_origin_probe: %s", strings.TrimPrefix(strings.TrimSpace(firstLineWith(plan, attr+" ")), "+ "))
	}
	info("check \"origin_refuses_direct_traffic\" passed: no warning")

	step("terraform destroy: switches off, binding removed, certificates deleted")
	if err := ws.Destroy(ctx); err != nil {
		return err
	}
	after := lab.Emu.Pull(ctx, hostname, "/")
	info("the edge now presents no certificate, and the origin refuses it: %s", originlab.PullString(after))
	if after.Status == 200 {
		return fmt.Errorf("the origin still answered the edge after destroy")
	}
	step("Stopping nginx and the emulator")
	return nil
}

func short(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

// warningBlock returns the warning with summary from Terraform's output: its
// summary line and its detail, up to the next blank line after the detail.
func warningBlock(out, summary string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "Warning: "+summary) {
			continue
		}
		var block []string
		blanks := 0
		for _, b := range lines[i:] {
			b = strings.TrimLeft(b, "│╷╵ ")
			if b == "" {
				blanks++
				if blanks == 3 {
					break
				}
				continue
			}
			block = append(block, b)
		}
		return strings.Join(block, "\n")
	}
	return ""
}

func firstLineWith(out, substr string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}
