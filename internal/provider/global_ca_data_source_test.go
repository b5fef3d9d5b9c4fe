package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfreference"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

func TestAccGlobalCADataSource_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("pem"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
		statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("sha256_fingerprint"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
		statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("not_after"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
	}
	if env.emu != nil {
		ca := env.emu.OriginPullCAPEM()
		cert, err := pemcert.ParseSingleCertificate(string(ca))
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks,
			statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(pemcert.SHA256Fingerprint(cert))),
			statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("subject"), knownvalue.StringExact(cert.Subject.String())),
			statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("url"), knownvalue.StringExact(env.caURL)),
		)
	} else {
		checks = append(checks, statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(publishedGlobalCAFingerprint)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:            env.config(`data "cfaop_global_ca" "test" {}`),
			ConfigStateChecks: checks,
		}},
	})
}

// serveDocument serves body at /ca.pem on loopback and returns its URL.
func serveDocument(t *testing.T, status int, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/ca.pem"
}

func TestAccGlobalCADataSource_urlOverrideAndErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	ca := testcerts.NewCA(t, "Mirror CA")
	leaf := testcerts.NewLeaf(t)
	expired := cfreference.ExpiredGlobalCAPEM
	cfg := func(url string) string {
		return env.config(fmt.Sprintf(`data "cfaop_global_ca" "test" { url = %q }`, url))
	}
	mirror := serveDocument(t, http.StatusOK, []byte(ca.CertPEM))
	sum := sha256.Sum256(ca.Cert.Raw)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			// Refused at validation; first, because the last step's configuration is used to destroy.
			{Config: cfg("ftp://example.invalid/ca.pem"), ExpectError: regexp.MustCompile(`Invalid Origin-Pull CA URL`)},
			{
				Config: cfg(mirror),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(hex.EncodeToString(sum[:]))),
					statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("url"), knownvalue.StringExact(mirror)),
				},
			},
			{Config: cfg(serveDocument(t, http.StatusOK, []byte(leaf.CertPEM))), ExpectError: regexp.MustCompile(`Origin-Pull CA Is Not A CA Certificate`)},
			{Config: cfg(serveDocument(t, http.StatusOK, expired)), ExpectError: regexp.MustCompile(`(?s)Origin-Pull CA Expired.*expired on 2020-01-12`)},
			{Config: cfg(serveDocument(t, http.StatusOK, []byte("<html>not a certificate</html>"))), ExpectError: regexp.MustCompile(`(?s)Invalid Origin-Pull CA.*contains no PEM CERTIFICATE block`)},
			{Config: cfg(serveDocument(t, http.StatusNotFound, nil)), ExpectError: regexp.MustCompile(`(?s)Cannot Download Origin-Pull CA.*HTTP 404`)},
		},
	})
}

// Each way a downloaded document can fail to be one CA certificate is named
// in the diagnostic, without echoing a key it holds.
func TestCADocumentProblem(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "Mirror CA")
	cases := []struct{ name, doc, want string }{
		{"empty", " \n", "it is empty"},
		{"not PEM", "<html>not a certificate</html>", "it contains no PEM CERTIFICATE block"},
		{"two certificates", ca.CertPEM + testcerts.NewCA(t, "Other CA").CertPEM, "it contains several certificates"},
		{"a key beside it", ca.CertPEM + ca.KeyPEM, `PEM block other than CERTIFICATE found: "PRIVATE KEY"`},
		{"corrupt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid X.509 certificate"},
	}
	for _, tc := range cases {
		_, err := pemcert.ParseSingleCertificate(tc.doc)
		if err == nil {
			t.Fatalf("%s: the document was accepted", tc.name)
		}
		got := caDocumentProblem(tc.doc, err)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to contain %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, "BEGIN") {
			t.Errorf("%s: the problem echoes PEM: %q", tc.name, got)
		}
	}
}

// The fingerprint the data source compares against must be the one of the
// CA Cloudflare publishes (a copy is embedded by cfreference).
func TestPublishedGlobalCAFingerprint(t *testing.T) {
	t.Parallel()
	cert, err := pemcert.ParseSingleCertificate(string(cfreference.GlobalCAPEM))
	if err != nil {
		t.Fatal(err)
	}
	if got := pemcert.SHA256Fingerprint(cert); got != publishedGlobalCAFingerprint {
		t.Fatalf("published fingerprint constant %s does not match the reference CA %s", publishedGlobalCAFingerprint, got)
	}
}

// The data source's url is refused at validation when it holds user info or
// uses plain http for a host that is not loopback, and again at read time
// (a url unknown at validation), with no request sent and the password in
// no diagnostic. A good url is downloaded without any API credential.
func TestGlobalCADataSource_urlRulesAndNoCredentials(t *testing.T) {
	for _, v := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", envGlobalCAURL} {
		t.Setenv(v, "")
	}
	ca := testcerts.NewCA(t, "Mirror CA")
	var requests, withCredentials atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Auth-Key") != "" || r.Header.Get("X-Auth-Email") != "" {
			withCredentials.Add(1)
		}
		_, _ = w.Write([]byte(ca.CertPEM))
	}))
	t.Cleanup(srv.Close)
	hostPort := strings.TrimPrefix(srv.URL, "http://")

	ctx := context.Background()
	server := unconfiguredServer(t)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dsSchema := schemas.DataSourceSchemas["cfaop_global_ca"]
	bad := map[string]string{
		"user info":            "http://admin:" + urlPassword + "@" + hostPort + "/ca.pem",
		"user name only":       "https://" + urlPassword + "@" + hostPort + "/ca.pem",
		"plain http elsewhere": "http://ca.example.com/ca.pem",
		"not http":             "file:///etc/passwd",
	}
	for name, u := range bad {
		resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "cfaop_global_ca", Config: protoObject(t, dsSchema, map[string]string{"url": u})})
		if err != nil {
			t.Fatal(err)
		}
		wantAttributeError(t, "validate url with "+name, resp.Diagnostics, "url", "Invalid Origin-Pull CA URL")
	}

	for authName, auth := range map[string]map[string]string{
		"token":         {"api_token": testAPIToken},
		"key and email": {"api_key": testAPIKey, "email": "owner@example.com"},
	} {
		cfg := map[string]string{"base_url": srv.URL}
		for k, v := range auth {
			cfg[k] = v
		}
		configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: protoObject(t, schemas.Provider, cfg)})
		if err != nil || len(configured.Diagnostics) > 0 {
			t.Fatalf("configure: %v %s", err, diagnosticsText(configured.Diagnostics))
		}
		read := func(u string) *tfprotov6.ReadDataSourceResponse {
			resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "cfaop_global_ca", Config: protoObject(t, dsSchema, map[string]string{"url": u})})
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		for name, u := range bad {
			wantAttributeError(t, authName+": read url with "+name, read(u).Diagnostics, "url", "Invalid Origin-Pull CA URL")
		}
		if n := requests.Load(); n != 0 {
			t.Fatalf("%s: %d requests were sent for refused URLs", authName, n)
		}
		if resp := read(srv.URL + "/ca.pem"); len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: good url: %s", authName, diagnosticsText(resp.Diagnostics))
		}
		if requests.Load() != 1 || withCredentials.Load() != 0 {
			t.Errorf("%s: %d downloads, %d with an API credential; want 1 and 0", authName, requests.Load(), withCredentials.Load())
		}
		requests.Store(0)
	}
}
