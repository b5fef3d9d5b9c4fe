package provider

import (
	"crypto/ecdh"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// badInput is one entry of the catalogue: a configuration (or import ID)
// that must be refused with its own diagnostic, and must create nothing.
type badInput struct {
	name   string
	target string // the resource, data source, function or provider setting under test
	config string // complete configuration; providerBlock() is prepended unless it has its own
	// stage is when the refusal comes: "plan" (validation, plan-time checks
	// and data source reads), "apply" (Cloudflare refuses) or "import".
	stage    string
	importID string
	// want is the diagnostic: its summary, then fragments of its detail, in order.
	want []string
}

// The catalogue of bad inputs across every resource, data source, function
// and provider setting. Each is refused with its exact diagnostic and
// leaves Cloudflare as it was: no write request reaches the emulator for
// refusals at plan time, and the emulator's state is unchanged for all.
func TestAccBadInputCatalogue(t *testing.T) {
	env := newTestEnv(t)
	env.needsEmulator(t)
	// No case may take credentials from the environment. Set here, where the
	// cases' parallel subtests inherit it.
	for _, v := range []string{cfapi.EnvAPIToken, cfapi.EnvAPIKey, cfapi.EnvEmail, cfapi.EnvBaseURL} {
		t.Setenv(v, "")
	}
	zone := env.zoneID
	good := testcerts.NewLeaf(t)
	other := testcerts.NewLeaf(t)
	ca := testcerts.NewCA(t, "Catalogue CA")
	signed := testcerts.NewLeaf(t, testcerts.WithIssuer(ca))
	caAsLeaf := testcerts.NewLeaf(t, testcerts.WithIsCA())
	now := time.Now()
	expired := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	future := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(24*time.Hour), now.Add(48*time.Hour)))
	weakRSA := testcerts.NewLeaf(t, testcerts.WithRSA(1024))
	p521 := testcerts.NewLeaf(t, testcerts.WithECDSA(elliptic.P521()))

	pubDER, err := x509.MarshalPKIXPublicKey(good.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	publicKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xDER, err := x509.MarshalPKCS8PrivateKey(x)
	if err != nil {
		t.Fatal(err)
	}
	x25519 := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: xDER}))
	junk := make([]byte, 512<<10)
	_, _ = rand.Read(junk)
	hugeBlock := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: junk}))
	opensshKey := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + base64.StdEncoding.EncodeToString([]byte("openssh-key-v1\x00 not a real key")) + "\n-----END OPENSSH PRIVATE KEY-----\n"
	mislabelled := strings.ReplaceAll(good.KeyPEM, "PRIVATE KEY", "RSA PRIVATE KEY")

	// An existing zone certificate and hostname certificate, for the bindings
	// that name them.
	existing := func(t *testing.T, env *testEnv) (zoneCert, hostCert cfapi.Certificate) {
		t.Helper()
		zoneCert, err := env.client.UploadCertificate(testContext(t), cfapi.ZoneCertificate, zone, other.CertPEM, other.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		hostCert, err = env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, zone, other.CertPEM, other.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return zoneCert, hostCert
	}
	zoneCert, hostCert := existing(t, env)
	// A server that is not Cloudflare's API: it answers HTML.
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Welcome</body></html>"))
	}))
	t.Cleanup(html.Close)

	cert := func(typ, certPEM, keyAttr, keyPEM, extra string) string {
		return fmt.Sprintf("resource %q \"test\" {\n  zone_id = %q\n  certificate = %q\n  %s = %q\n  %s\n}\n", typ, zone, certPEM, keyAttr, keyPEM, extra)
	}
	zc := func(certPEM, keyPEM string) string {
		return cert("cfaop_zone_certificate", certPEM, "private_key", keyPEM, "")
	}
	hc := func(certPEM, keyPEM string) string {
		return cert("cfaop_hostname_certificate", certPEM, "private_key_wo", keyPEM, "private_key_wo_version = 1")
	}
	binding := func(hostname, certID string) string {
		return fmt.Sprintf("resource \"cfaop_hostname_binding\" \"test\" {\n  zone_id = %q\n  hostname = %q\n  certificate_id = %q\n}\n", zone, hostname, certID)
	}
	bindings := func(entries string) string {
		return fmt.Sprintf("resource \"cfaop_hostname_bindings\" \"test\" {\n  zone_id = %q\n  bindings = {\n%s  }\n}\n", zone, entries)
	}
	const someCertID = "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
	const unknownZone = "0123456789abcdef0123456789abcdef"
	list := fmt.Sprintf("data \"cfaop_zone_certificates\" \"test\" {\n  zone_id = %q\n}\n", zone)
	provider := func(settings string) string { return "provider \"cfaop\" {\n" + settings + "\n}\n" + list }
	endpoint := fmt.Sprintf("base_url = %q\n", env.baseURL)

	cases := []badInput{
		// Provider settings.
		{"no credentials", "provider", provider(endpoint), "plan", "", []string{"Missing Cloudflare Credentials",
			"data source cfaop_zone_certificates reads or changes Cloudflare's API and needs credentials, but the provider has none",
			"Set the environment variable CLOUDFLARE_API_TOKEN (in HCP Terraform, a sensitive environment variable of the workspace)",
			"Without credentials the provider serves cfaop_global_ca, cfaop_ip_ranges, cfaop_origin_probe and its functions."}},
		{"api_key without email", "provider", provider(endpoint + `api_key = "0123456789abcdef0123456789abcdef01234"`), "plan", "", []string{"Invalid Cloudflare Provider Configuration",
			"api_key and email must be set together (or CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL)"}},
		{"base_url without scheme", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `base_url = "api.cloudflare.com"`), "plan", "",
			[]string{"Invalid Cloudflare Provider Configuration", `base_url "api.cloudflare.com" must start with https:// (or http:// for a local emulator)`}},
		{"base_url with credentials in it", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `base_url = "https://admin:hunter2@api.cloudflare.com"`), "plan", "",
			[]string{"Invalid Cloudflare Provider Configuration", "base_url must not contain credentials (user:password@host): set api_token, or api_key and email, instead"}},
		{"base_url with plain http to a remote host", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `base_url = "http://api.cloudflare.com"`), "plan", "",
			[]string{"Invalid Cloudflare Provider Configuration", `base_url "http://api.cloudflare.com" uses plain http:// for a host that is not this machine`, "use https://"}},
		{"base_url without a host", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `base_url = "https://"`), "plan", "",
			[]string{"Invalid Cloudflare Provider Configuration", `base_url "https://" has no host name`}},
		{"base_url where nothing listens", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `base_url = "http://127.0.0.1:1"` + "\nmax_retries = 0"), "plan", "",
			[]string{"Cannot List Certificates", "Listing the zone certificates of zone " + zone + " failed: list zone certificates:", "connection refused."}},
		{"base_url of a server that is not the API", "provider", provider(`api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + fmt.Sprintf("base_url = %q", html.URL) + "\nmax_retries = 0"), "plan", "",
			[]string{"Cannot List Certificates", "Listing the zone certificates of zone " + zone + " failed: list zone certificates:", "content-type 'text/html'"}},
		{"wrong API token", "provider", provider(endpoint + `api_token = "not-the-token-but-one-of-the-right-length-0"`), "plan", "",
			[]string{"Cloudflare Refused The Credentials", "Cloudflare refused the credentials from api_token in the provider block", "Cloudflare said: HTTP 403, 10000 Authentication error"}},
		{"max_backoff not a duration", "provider", provider(endpoint + `api_token = "cfaop-test-token-00000000000000000000000"` + "\n" + `max_backoff = "soon"`), "plan", "",
			[]string{"Invalid Duration", `max_backoff must be a positive duration such as 30s or 2m, got "soon".`}},
		{"max_retries out of range", "provider", provider(endpoint + `api_token = "cfaop-test-token-00000000000000000000000"` + "\nmax_retries = 99"), "plan", "",
			[]string{"Invalid Attribute Value", "max_retries value must be between 0 and 20, got: 99"}},
		{"negative expiry warning", "provider", provider(endpoint + `api_token = "cfaop-test-token-00000000000000000000000"` + "\ncertificate_expiry_warning_days = -1"), "plan", "",
			[]string{"Invalid Attribute Value", "certificate_expiry_warning_days value must be between 0 and 3650, got: -1"}},

		// Certificates and keys (both resource types).
		{"certificate not PEM", "cfaop_zone_certificate", zc("this is not a certificate", good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "No PEM block was found. Expected exactly one PEM-encoded certificate"}},
		{"private key where the certificate goes", "cfaop_hostname_certificate", hc(good.KeyPEM, good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, `Found a private key (PEM block "PRIVATE KEY") where the certificate was expected.`}},
		{"certificate with its key appended", "cfaop_zone_certificate", zc(good.CertPEM+good.KeyPEM, good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "Besides the certificate, the value contains a private key"}},
		{"hostile PEM: block that is not base64", "cfaop_zone_certificate",
			zc("-----BEGIN CERTIFICATE-----\n!!!$(rm -rf /)!!!\n-----END CERTIFICATE-----\n", good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "No PEM block was found"}},
		{"huge CERTIFICATE block of garbage (512 KiB)", "cfaop_hostname_certificate", hc(hugeBlock, good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "The CERTIFICATE PEM block is not a valid X.509 certificate"}},
		{"huge non-PEM value (2 MiB)", "cfaop_zone_certificate", zc(strings.Repeat("A", 2<<20), good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "No PEM block was found."}},
		{"escaped newlines", "cfaop_zone_certificate", zc(strings.ReplaceAll(good.CertPEM, "\n", `\n`), good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, `The certificate contains literal "\n" sequences instead of line breaks`}},
		{"file name instead of contents", "cfaop_hostname_certificate", hc("client.pem", good.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidCertificatePEM, "The certificate looks like a file name rather than the file's contents."}},
		{"chain", "cfaop_hostname_certificate", hc(testcerts.Chain(signed, ca), signed.KeyPEM), "plan", "",
			[]string{pemcert.SummaryCertificateChain, "Found 2 certificates (a chain or bundle)"}},
		{"CA certificate", "cfaop_zone_certificate", zc(caAsLeaf.CertPEM, caAsLeaf.KeyPEM), "plan", "",
			[]string{pemcert.SummaryCACertificate, `Cloudflare rejects CA certificates with error 1412`}},
		{"expired certificate", "cfaop_hostname_certificate", hc(expired.CertPEM, expired.KeyPEM), "plan", "",
			[]string{pemcert.SummaryExpired, "expired on"}},
		{"certificate not yet valid", "cfaop_zone_certificate", zc(future.CertPEM, future.KeyPEM), "plan", "",
			[]string{pemcert.SummaryNotYetValid, "is not valid until"}},
		{"key not PEM", "cfaop_zone_certificate", zc(good.CertPEM, "not a key"), "plan", "",
			[]string{pemcert.SummaryInvalidKeyPEM, "No PEM block was found. Expected one PEM-encoded, unencrypted private key"}},
		{"certificate where the key goes", "cfaop_hostname_certificate", hc(good.CertPEM, good.CertPEM), "plan", "",
			[]string{pemcert.SummaryInvalidKeyPEM, "Found a certificate where the private key was expected."}},
		{"two keys", "cfaop_zone_certificate", zc(good.CertPEM, good.KeyPEM+other.KeyPEM), "plan", "",
			[]string{pemcert.SummaryInvalidKeyPEM, "Found 2 private keys; exactly one is expected."}},
		{"mislabelled key", "cfaop_zone_certificate", zc(good.CertPEM, mislabelled), "plan", "",
			[]string{pemcert.SummaryInvalidKeyPEM, `The PEM block is labelled "RSA PRIVATE KEY" but holds`}},
		{"encrypted key", "cfaop_hostname_certificate", hc(good.CertPEM, testcerts.Encrypted(t, good)), "plan", "",
			[]string{pemcert.SummaryEncryptedKey, "The private key is encrypted"}},
		{"public key instead of private key", "cfaop_zone_certificate", zc(good.CertPEM, publicKey), "plan", "",
			[]string{pemcert.SummaryUnsupportedKey, `Found a public key (PEM block "PUBLIC KEY"); the private key is needed`}},
		{"OpenSSH key", "cfaop_hostname_certificate", hc(good.CertPEM, opensshKey), "plan", "",
			[]string{pemcert.SummaryUnsupportedKey, `Found an OpenSSH private key ("OPENSSH PRIVATE KEY"), which Cloudflare cannot read`}},
		{"X25519 key", "cfaop_zone_certificate", zc(good.CertPEM, x25519), "plan", "",
			[]string{pemcert.SummaryUnsupportedKey, "The key is an X25519 key, which can only agree on keys and cannot sign a TLS handshake"}},
		{"RSA key of 1024 bits", "cfaop_zone_certificate", zc(weakRSA.CertPEM, weakRSA.KeyPEM), "plan", "",
			[]string{pemcert.SummaryUnsupportedKey, "The RSA key is 1024 bits."}},
		{"ECDSA key on P-521", "cfaop_hostname_certificate", hc(p521.CertPEM, p521.KeyPEM), "plan", "",
			[]string{pemcert.SummaryUnsupportedKey, "The ECDSA key uses curve P-521; Cloudflare accepts P-256 and P-384."}},
		{"mismatched pair", "cfaop_hostname_certificate", hc(good.CertPEM, other.KeyPEM), "plan", "",
			[]string{pemcert.SummaryKeyDoesNotMatchCertificate, "The private key does not belong to the certificate"}},
		{"no key", "cfaop_zone_certificate", fmt.Sprintf("resource \"cfaop_zone_certificate\" \"test\" {\n  zone_id = %q\n  certificate = %q\n}\n", zone, good.CertPEM), "plan", "",
			[]string{"Missing Private Key", "Cloudflare needs the certificate's private key to present the certificate."}},
		{"both key attributes", "cfaop_zone_certificate", cert("cfaop_zone_certificate", good.CertPEM, "private_key", good.KeyPEM,
			fmt.Sprintf("private_key_wo = %q\n  private_key_wo_version = 1", good.KeyPEM)), "plan", "",
			[]string{"Invalid Attribute Combination", `Attribute "private_key_wo" cannot be specified when "private_key" is specified`}},
		{"write-only key without version", "cfaop_hostname_certificate", cert("cfaop_hostname_certificate", good.CertPEM, "private_key_wo", good.KeyPEM, ""), "plan", "",
			[]string{"Missing Private Key Version", "private_key_wo is set but private_key_wo_version is not.", "set private_key_wo_version = 1"}},
		{"zone name instead of zone ID", "cfaop_zone_certificate", strings.Replace(zc(good.CertPEM, good.KeyPEM), zone, "example.com", 1), "plan", "",
			[]string{"Invalid Zone ID", `zone_id must be the zone's ID, 32 lower-case hexadecimal characters (for example 023e105f4ecef8ad9ca31a8372d0c353), got "example.com".`}},
		{"unknown zone", "cfaop_hostname_certificate", strings.Replace(hc(good.CertPEM, good.KeyPEM), zone, unknownZone, 1), "plan", "",
			[]string{"Zone Not Found", "Cloudflare has no zone with ID " + unknownZone + " that these credentials can see", "Cloudflare said: HTTP 404, 7003"}},

		// Hostname bindings.
		{"hostname with scheme", "cfaop_hostname_binding", binding("https://app.example.com", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be a hostname, not a URL: remove the scheme from "https://app.example.com"`}},
		{"hostname with port", "cfaop_hostname_binding", binding("app.example.com:443", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be a hostname only: remove the port from "app.example.com:443"`}},
		{"hostname with path", "cfaop_hostname_binding", binding("app.example.com/login", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be a hostname only: remove the path from "app.example.com/login".`}},
		{"hostname in capitals", "cfaop_hostname_binding", binding("App.Example.com", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be lowercase: use "app.example.com" instead of "App.Example.com".`}},
		{"wildcard hostname", "cfaop_hostname_binding", binding("*.example.com", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be a concrete hostname: "*.example.com" is a wildcard`}},
		{"hostname with trailing dot", "cfaop_hostname_binding", binding("app.example.com.", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must not end with a dot: use "app.example.com".`}},
		{"empty hostname", "cfaop_hostname_binding", binding("", someCertID), "plan", "",
			[]string{"Invalid Hostname", "hostname must not be empty"}},
		{"hostname with an underscore label", "cfaop_hostname_binding", binding("app_1.example.com", someCertID), "plan", "",
			[]string{"Invalid Hostname", `hostname must be a fully qualified hostname made of letters, digits and hyphens separated by dots`}},
		{"hostname outside the zone", "cfaop_hostname_binding", binding("app.example.org", hostCert.ID), "plan", "",
			[]string{"Hostname Outside The Zone", "app.example.org is not in zone example.com (ID " + zone + ")", "set zone_id to the zone that holds app.example.org"}},
		{"certificate ID that is not an ID", "cfaop_hostname_binding", binding("app.example.com", "cert-1"), "plan", "",
			[]string{"Invalid Certificate ID", `certificate_id must be a Cloudflare certificate ID such as 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, got "cert-1".`}},
		{"certificate ID in capitals", "cfaop_hostname_binding", binding("app.example.com", strings.ToUpper(someCertID)), "plan", "",
			[]string{"Certificate ID Must Be Lower Case", "certificate_id must be written in lower case", "Cloudflare certificate IDs are lower-case UUIDs",
				fmt.Sprintf("It is the same ID, so just lower-case it: %q", someCertID)}},
		{"zone certificate bound to a hostname", "cfaop_hostname_binding", binding("app.example.com", zoneCert.ID), "apply", "",
			[]string{"Zone Certificate Given Where A Hostname Certificate Is Required", "certificate_id " + zoneCert.ID + " is a zone-level certificate"}},
		{"certificate that does not exist", "cfaop_hostname_binding", binding("app.example.com", someCertID), "apply", "",
			[]string{"Certificate Not In This Zone", "zone " + zone + " (example.com) has no hostname certificate " + someCertID + ". Either the certificate belongs to another zone"}},
		{"bindings: no hostname", "cfaop_hostname_bindings", bindings(""), "plan", "",
			[]string{"Invalid Attribute Value", "Attribute bindings map must contain at least 1 elements, got: 0"}},
		{"bindings: hostname with scheme", "cfaop_hostname_bindings", bindings(fmt.Sprintf("    \"https://app.example.com\" = %q\n", someCertID)), "plan", "",
			[]string{"Invalid Hostname", "must be a hostname, not a URL: remove the scheme from \"https://app.example.com\""}},
		{"bindings: certificate ID that is not an ID", "cfaop_hostname_bindings", bindings("    \"app.example.com\" = \"cert-1\"\n"), "plan", "",
			[]string{"Invalid Certificate ID", `must be a Cloudflare certificate ID such as 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, got "cert-1".`}},
		{"bindings: hostname outside the zone", "cfaop_hostname_bindings", bindings(fmt.Sprintf("    \"app.example.com\" = %[1]q\n    \"app.example.org\" = %[1]q\n", hostCert.ID)), "plan", "",
			[]string{"Hostname Outside The Zone", "app.example.org is not in zone example.com (ID " + zone + ")"}},
		{"bindings: more than 100 hostnames on one certificate", "cfaop_hostname_bindings", bindings(hundredAndOne(hostCert.ID)), "plan", "",
			[]string{"Too Many Hostnames On One Certificate", "would be bound to more than 100 hostnames after this plan", "Upload another cfaop_hostname_certificate"}},
		{"bindings: zone certificate bound to hostnames", "cfaop_hostname_bindings", bindings(fmt.Sprintf("    \"app.example.com\" = %q\n", zoneCert.ID)), "apply", "",
			[]string{"Zone Certificate Given Where A Hostname Certificate Is Required", `bindings["app.example.com"] ` + zoneCert.ID + " is a zone-level certificate"}},

		// Switches.
		{"switch with a zone name", "cfaop_global_setting", "resource \"cfaop_global_setting\" \"test\" {\n  zone_id = \"example.com\"\n  enabled = true\n}\n", "plan", "",
			[]string{"Invalid Zone ID", `got "example.com"`}},
		{"switch of an unknown zone", "cfaop_zone_setting", fmt.Sprintf("resource \"cfaop_zone_setting\" \"test\" {\n  zone_id = %q\n  enabled = true\n}\n", unknownZone), "plan", "",
			[]string{"Zone Not Found", "Cloudflare has no zone with ID " + unknownZone}},

		// Data sources.
		{"certificate data source: unknown ID", "cfaop_zone_certificate (data)", fmt.Sprintf("data \"cfaop_zone_certificate\" \"test\" {\n  zone_id = %q\n  id = %q\n}\n", zone, someCertID), "plan", "",
			[]string{"Certificate Not Found", "Zone " + zone + " has no zone certificate with ID " + someCertID}},
		{"certificate data source: path traversal in the ID", "cfaop_hostname_certificate (data)", fmt.Sprintf("data \"cfaop_hostname_certificate\" \"test\" {\n  zone_id = %q\n  id = \"../../settings\"\n}\n", zone), "plan", "",
			[]string{"Invalid Certificate ID", `id must be a Cloudflare certificate ID such as 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, got "../../settings".`}},
		{"certificate list: unknown status", "cfaop_hostname_certificates (data)", fmt.Sprintf("data \"cfaop_hostname_certificates\" \"test\" {\n  zone_id = %q\n  status = \"bogus\"\n}\n", zone), "plan", "",
			[]string{"Invalid Attribute Value Match", `status value must be one of`}},
		{"certificate list: unknown zone", "cfaop_zone_certificates (data)", fmt.Sprintf("data \"cfaop_zone_certificates\" \"test\" {\n  zone_id = %q\n}\n", unknownZone), "plan", "",
			[]string{"Cannot List Certificates", "Check that the zone ID is right and that these credentials can see the zone."}},
		{"binding data source: hostname with scheme", "cfaop_hostname_binding (data)", fmt.Sprintf("data \"cfaop_hostname_binding\" \"test\" {\n  zone_id = %q\n  hostname = \"http://app.example.com\"\n}\n", zone), "plan", "",
			[]string{"Invalid Hostname", "hostname must be a hostname, not a URL"}},
		{"global CA from a URL that is not HTTP", "cfaop_global_ca (data)", "data \"cfaop_global_ca\" \"test\" {\n  url = \"file:///etc/passwd\"\n}\n", "plan", "",
			[]string{"Invalid Origin-Pull CA URL", `url: "file:///etc/passwd" is not an https:// URL with a host name`}},
		{"global CA from a URL with user info", "cfaop_global_ca (data)", "data \"cfaop_global_ca\" \"test\" {\n  url = \"https://admin:hunter2@ca.example.com/ca.pem\"\n}\n", "plan", "",
			[]string{"Invalid Origin-Pull CA URL", `url: "https://ca.example.com/ca.pem" contains user info (user:password@): remove it`}},
		{"global CA from a page that is not PEM", "cfaop_global_ca (data)", fmt.Sprintf("data \"cfaop_global_ca\" \"test\" {\n  url = %q\n}\n", html.URL), "plan", "",
			[]string{"Invalid Origin-Pull CA", "The document at " + html.URL + " is not a usable CA certificate"}},

		// Functions.
		{"nginx directives with an injected path", "provider::cfaop::nginx_client_auth", "output \"x\" {\n  value = provider::cfaop::nginx_client_auth(\"/etc/ca.pem; include /etc/passwd\", 1)\n}\n", "plan", "",
			[]string{"Invalid function argument", `Invalid value for "ca_file" parameter: The path contains ';' at byte 11.`}},
		{"trust bundle with a private key", "provider::cfaop::origin_trust_bundle", fmt.Sprintf("output \"x\" {\n  value = provider::cfaop::origin_trust_bundle([%q])\n}\n", good.KeyPEM), "plan", "",
			[]string{"Invalid function argument", "private key"}},

		// Import IDs.
		{"certificate import without zone", "cfaop_zone_certificate (import)", zc(good.CertPEM, good.KeyPEM), "import", someCertID,
			[]string{"Invalid Import ID", "Import a zone certificate as <zone_id>/<certificate_id>"}},
		{"certificate import with path traversal", "cfaop_hostname_certificate (import)", hc(good.CertPEM, good.KeyPEM), "import", zone + "/..",
			[]string{"Invalid Import ID", "Import a hostname certificate as <zone_id>/<certificate_id>"}},
		{"binding import with a URL", "cfaop_hostname_binding (import)", binding("app.example.com", someCertID), "import", zone + "/https://app.example.com",
			[]string{"Invalid Import ID", "Import a hostname binding as <zone_id>/<hostname>"}},
		{"switch import with a zone name", "cfaop_global_setting (import)", "resource \"cfaop_global_setting\" \"test\" {\n  zone_id = \"" + zone + "\"\n  enabled = true\n}\n", "import", "example.com",
			[]string{"Invalid Import ID", "by its zone ID (32 lower-case hexadecimal characters)"}},
	}

	// Each case runs on an emulator of its own that holds the same two
	// certificates, so the cases run in parallel and the requests and state
	// checked are the case's alone. The cases name the first emulator's URL
	// and certificate IDs: they are rewritten to the case's.
	sharedURL := env.baseURL
	ownEnv := func(t *testing.T) (*testEnv, *strings.Replacer) {
		env := newTestEnv(t)
		caseZoneCert, caseHostCert := existing(t, env)
		return env, strings.NewReplacer(sharedURL, env.baseURL, zoneCert.ID, caseZoneCert.ID, hostCert.ID, caseHostCert.ID)
	}
	targets := map[string]bool{}
	var together, inTurn []badInput
	for _, tc := range cases {
		targets[tc.target] = true
		switch {
		case tc.stage == "plan" && !strings.Contains(tc.config, `provider "cfaop"`):
			together = append(together, tc)
		case tc.stage != "import":
			inTurn = append(inTurn, tc)
		default:
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				env, own := ownEnv(t)
				step := resource.TestStep{Config: env.config(own.Replace(tc.config)), ExpectError: diagnosticPattern(ownAll(own, tc.want)),
					ImportState: true, ImportStateId: own.Replace(tc.importID), ResourceName: resourceAddress(tc.config)}
				unchanged(t, env, tc.stage, func() {
					resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: []resource.TestStep{step}})
				})
			})
		}
	}
	// The provider settings, each with a provider block of its own, and the
	// refusals at apply: one step each, in one test.
	t.Run("refused one after another", func(t *testing.T) {
		t.Parallel()
		env, own := ownEnv(t)
		steps := make([]resource.TestStep, len(inTurn))
		for i, tc := range inTurn {
			config := own.Replace(tc.config)
			if !strings.Contains(config, `provider "cfaop"`) {
				config = env.config(config)
			}
			steps[i] = resource.TestStep{Config: config, ExpectError: diagnosticPattern(ownAll(own, tc.want)), PlanOnly: tc.stage == "plan"}
			t.Logf("step %d: %s", i+1, tc.name)
		}
		unchanged(t, env, "plan or apply", func() {
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
		})
	})
	t.Run("refused at plan time, in one configuration", func(t *testing.T) {
		t.Parallel()
		env, own := ownEnv(t)
		for i := range together {
			together[i].config = own.Replace(together[i].config)
			together[i].want = ownAll(own, together[i].want)
		}
		refusedTogether(t, env, together)
	})
	t.Logf("bad inputs tried: %d, across %d targets", len(cases), len(targets))
	if len(cases) < 30 {
		t.Fatalf("the catalogue has %d entries, want at least 30", len(cases))
	}
}

// diagnosticPattern matches a summary followed by detail fragments, as
// Terraform prints them (any space may be a line break).
func diagnosticPattern(parts []string) *regexp.Regexp {
	re := make([]string, len(parts))
	for i, p := range parts {
		re[i] = strings.TrimPrefix(wrapped(p).String(), "(?s)")
	}
	return regexp.MustCompile(`(?s)` + strings.Join(re, `.*`))
}

// hundredAndOne is the bindings map entries of 101 hostnames of example.com
// on one certificate.
func hundredAndOne(certID string) string {
	var b strings.Builder
	for i := range 101 {
		fmt.Fprintf(&b, "    \"h%03d.example.com\" = %q\n", i, certID)
	}
	return b.String()
}

// ownAll is texts with a case's own emulator URL and certificate IDs.
func ownAll(own *strings.Replacer, texts []string) []string {
	out := make([]string, len(texts))
	for i, s := range texts {
		out[i] = own.Replace(s)
	}
	return out
}

// unchanged runs refused configurations and checks that they sent no write
// request (refusals at apply are made before the write, too) and left the
// emulator's state as it was.
// Against the real API only the requests are checked.
func unchanged(t *testing.T, env *testEnv, stage string, run func()) {
	t.Helper()
	before := ""
	if env.emu != nil {
		before = stateJSON(t, env)
	}
	env.resetCounts()
	run()
	if writes := writeRequests(env); len(writes) > 0 {
		t.Errorf("configurations refused at %s sent write requests: %v", stage, writes)
	}
	if env.emu == nil {
		return
	}
	if after := stateJSON(t, env); after != before {
		t.Errorf("the emulator's state changed:\nbefore %s\nafter  %s", before, after)
	}
}

// refusedTogether plans cases that must be refused at plan time in one
// configuration, each case in a file of its own, and gives each error
// diagnostic to the case whose file it points to. Each case must be refused
// with its own diagnostic, and nothing may be written. Terraform does not
// plan while any configuration is invalid, so the cases that validation
// refuses hide the others: each round plans the cases not yet refused, until
// all are or a round refuses none.
func refusedTogether(t *testing.T, env *testEnv, cases []badInput) {
	t.Helper()
	tf := newTerraformCLI(t)
	tf.writeFile("provider.tf", providerRequirements+env.config(""))
	files := make([]string, len(cases))
	configs := map[string]string{}
	for i, tc := range cases {
		name := fmt.Sprintf("case%02d", i)
		files[i] = name + ".tf"
		config := blockLabel.ReplaceAllString(tc.config, "${1}\""+name+"\" {")
		if config == tc.config {
			t.Fatalf("%s: no block labelled \"test\" or \"x\" to rename", tc.name)
		}
		configs[files[i]] = config
	}
	refusals := map[string][]string{}
	rounds := 0
	unchanged(t, env, "plan", func() {
		pending := files
		for round := 1; len(pending) > 0; round++ {
			rounds = round
			for _, f := range files {
				_ = os.Remove(filepath.Join(tf.dir, f))
			}
			for _, f := range pending {
				tf.writeFile(f, configs[f])
			}
			out, code := tf.run("plan", "-json", "-input=false", "-no-color")
			if code == 0 {
				break
			}
			for _, d := range errorDiagnostics(out) {
				if _, ours := configs[d.Range.Filename]; !ours {
					t.Errorf("round %d: an error that no case accounts for: %s: %s", round, d.Summary, d.Detail)
					continue
				}
				refusals[d.Range.Filename] = append(refusals[d.Range.Filename], d.Summary+"\n"+d.Detail)
			}
			var next []string
			for _, f := range pending {
				if len(refusals[f]) == 0 {
					next = append(next, f)
				}
			}
			if len(next) == len(pending) {
				break
			}
			pending = next
		}
	})
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := refusals[files[i]]
			if len(got) == 0 {
				t.Fatalf("not refused at plan time: want %q", tc.want[0])
			}
			want := diagnosticPattern(tc.want)
			for _, d := range got {
				if want.MatchString(d) {
					return
				}
			}
			t.Errorf("refused with other diagnostics than %s:\n%s", want, strings.Join(got, "\n\n"))
		})
	}
	t.Logf("%d cases planned in one configuration; rounds: %d", len(cases), rounds)
}

// blockLabel is the catalogue's one block per case: a resource or data
// source labelled "test", or an output labelled "x".
var blockLabel = regexp.MustCompile(`(?m)^((?:resource|data) "[^"]+" |output )"(?:test|x)" \{`)

// jsonDiagnostic is an error or warning of `terraform plan -json`.
type jsonDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    struct {
		Filename string `json:"filename"`
	} `json:"range"`
}

// errorDiagnostics are the error diagnostics in the output of a -json command.
func errorDiagnostics(out string) []jsonDiagnostic {
	var diags []jsonDiagnostic
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string         `json:"type"`
			Diagnostic jsonDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil || msg.Type != "diagnostic" {
			continue
		}
		if msg.Diagnostic.Severity == "error" {
			diags = append(diags, msg.Diagnostic)
		}
	}
	return diags
}

// resourceAddress is the first resource's address in a configuration.
func resourceAddress(config string) string {
	m := regexp.MustCompile(`resource "([^"]+)" "([^"]+)"`).FindStringSubmatch(config)
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2]
}

// stateJSON is the emulator's zones (certificates, associations, settings)
// as JSON, without the snapshot's clock.
func stateJSON(t *testing.T, env *testEnv) string {
	t.Helper()
	raw, err := json.Marshal(env.emu.Snapshot().Zones)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
