package provider

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const probeHost = "app.example.com"

// probeOrigin is a TLS origin for probeHost with its own server CA;
// clientAuth decides whether it requires a client certificate.
func probeOrigin(t *testing.T, clientAuth tls.ClientAuthType) (addr string, serverCA testcerts.Pair) {
	t.Helper()
	serverCA = testcerts.NewCA(t, "Probe Test Server CA")
	leaf := testcerts.NewLeaf(t, testcerts.WithIssuer(serverCA), testcerts.WithDNSNames(probeHost), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	clientCA := testcerts.NewCA(t, "Probe Test Client CA")
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.Cert)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "app") }))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key}},
		ClientAuth: clientAuth, ClientCAs: pool, MinVersion: tls.VersionTLS12}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String(), serverCA
}

func TestAccOriginProbeDataSource_lockedAndOpen(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	locked, lockedCA := probeOrigin(t, tls.RequireAndVerifyClientCert)
	open, _ := probeOrigin(t, tls.NoClientCert)
	cfg := env.config(fmt.Sprintf(`
data "cfaop_origin_probe" "locked" {
  address         = %q
  hostname        = %q
  ca_certificates = %q
  timeout         = "5s"
}

data "cfaop_origin_probe" "open" {
  address  = %q
  hostname = %q
}
`, locked, probeHost, lockedCA.CertPEM, open, probeHost))
	l, o := "data.cfaop_origin_probe.locked", "data.cfaop_origin_probe.open"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(l, tfjsonpath.New("reachable"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("client_certificate_requested"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("accepts_without_client_certificate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("http_status"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("error"), knownvalue.StringRegexp(regexp.MustCompile(`remote error: tls: certificate required`))),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("server_certificate_valid"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("server_certificate_subject"), knownvalue.StringExact("CN=client.example.com,O=cfaop test")),
				statecheck.ExpectKnownValue(l, tfjsonpath.New("server_certificate_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				statecheck.ExpectKnownValue(o, tfjsonpath.New("client_certificate_requested"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(o, tfjsonpath.New("accepts_without_client_certificate"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(o, tfjsonpath.New("http_status"), knownvalue.Int64Exact(200)),
				statecheck.ExpectKnownValue(o, tfjsonpath.New("error"), knownvalue.StringExact("")),
				// No ca_certificates: the system's roots do not know the test CA.
				statecheck.ExpectKnownValue(o, tfjsonpath.New("server_certificate_valid"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(o, tfjsonpath.New("server_certificate_error"), knownvalue.StringRegexp(regexp.MustCompile(`unknown authority`))),
			},
		}},
	})
}

func TestAccOriginProbeDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	probe := func(attrs string) string {
		return env.config(`data "cfaop_origin_probe" "x" {` + "\n" + attrs + "\n}")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: probe(`address = "203.0.113.10"` + "\n" + `hostname = "app.example.com"`), ExpectError: wrapped(`address must be host:port (an IPv6 address in brackets)`)},
			{Config: probe(`address = "203.0.113.10:0"` + "\n" + `hostname = "app.example.com"`), ExpectError: wrapped(`must end in a port from 1 to 65535`)},
			{Config: probe(`address = "203.0.113.10:443"` + "\n" + `hostname = "https://app.example.com"`), ExpectError: wrapped(`must be a hostname, not a URL`)},
			{Config: probe(`address = "127.0.0.1:9"` + "\n" + `hostname = "app.example.com"` + "\n" + `timeout = "5m"`), ExpectError: wrapped(`timeout may be at most 1m0s`)},
			{Config: probe(`address = "127.0.0.1:9"` + "\n" + `hostname = "app.example.com"` + "\n" + `path = "/a b"`), ExpectError: wrapped(`path must start with / and contain no spaces`)},
			{Config: probe(`address = "127.0.0.1:9"` + "\n" + `hostname = "app.example.com"` + "\n" + `ca_certificates = "nope"`), ExpectError: wrapped(`ca_certificates holds no PEM CERTIFICATE block`)},
		},
	})
}

// In a check block, an origin that serves requests without a client
// certificate makes the plan warn; a locked one passes. Check warnings are
// only visible in the CLI's output.
func TestAccOriginProbeDataSource_checkBlock(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	tf := newTerraformCLI(t)
	locked, _ := probeOrigin(t, tls.RequireAndVerifyClientCert)
	open, _ := probeOrigin(t, tls.NoClientCert)
	check := func(name, addr string) string {
		return fmt.Sprintf(`
check %[1]q {
  data "cfaop_origin_probe" %[1]q {
    address  = %[2]q
    hostname = %[3]q
  }
  assert {
    condition     = !data.cfaop_origin_probe.%[1]s.accepts_without_client_certificate
    error_message = "The origin at %[2]s serves ${data.cfaop_origin_probe.%[1]s.hostname} without a client certificate (HTTP ${data.cfaop_origin_probe.%[1]s.http_status}): anyone who finds it bypasses Cloudflare."
  }
}
`, name, addr, probeHost)
	}
	tf.writeFile("main.tf", providerRequirements+env.config("")+check("locked_origin", locked)+check("open_origin", open))
	out := tf.mustRun(0, "plan", "-input=false", "-no-color")
	warnings := regexp.MustCompile(`Warning: Check block assertion failed`).FindAllString(out, -1)
	if len(warnings) != 1 || !strings.Contains(out, `in check "open_origin"`) || strings.Contains(out, `in check "locked_origin"`) ||
		!wrapped("serves "+probeHost+" without a client certificate (HTTP 200)").MatchString(out) {
		t.Fatalf("want exactly one failed check, for the open origin:\n%s", out)
	}
	t.Logf("%s; %s", firstLine(out, "Warning: Check block assertion failed"), firstLine(out, `on main.tf line`))
}
