package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const sharedReference = "../../../shared/reference/"

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
		cert, err := parseSingleCertificate(ca)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(cert.Raw)
		checks = append(checks,
			statecheck.ExpectKnownValue("data.cfaop_global_ca.test", tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(hex.EncodeToString(sum[:]))),
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
	expired, err := os.ReadFile(sharedReference + "ca/cloudflared_origin_pull_ca_2015-2020_expired.pem")
	if err != nil {
		t.Fatalf("reference CA: %v", err)
	}
	cfg := func(url string) string {
		return env.config(fmt.Sprintf(`data "cfaop_global_ca" "test" { url = %q }`, url))
	}
	mirror := serveDocument(t, http.StatusOK, []byte(ca.CertPEM))
	sum := sha256.Sum256(ca.Cert.Raw)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
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
			{Config: cfg("ftp://example.invalid/ca.pem"), ExpectError: regexp.MustCompile(`Cannot Download Origin-Pull CA`)},
		},
	})
}

// The fingerprint the data source compares against must be the one of the
// CA Cloudflare publishes (a copy lives in the shared reference data).
func TestPublishedGlobalCAFingerprint(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(sharedReference + "ca/cloudflare-docs_authenticated_origin_pull_ca_2019-2029.pem")
	if err != nil {
		t.Fatalf("reference CA: %v", err)
	}
	cert, err := parseSingleCertificate(doc)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Raw)
	if got := hex.EncodeToString(sum[:]); got != publishedGlobalCAFingerprint {
		t.Fatalf("published fingerprint constant %s does not match the reference CA %s", publishedGlobalCAFingerprint, got)
	}
}
