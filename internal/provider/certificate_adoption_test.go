package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// With adopt_existing = true, a certificate Cloudflare already holds with
// the same content is taken over (same ID, nothing uploaded again, an empty
// plan after); without it, the 1406 names both recoveries.
func TestAccCertificate_adoptExisting(t *testing.T) {
	t.Parallel()
	for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
		t.Run(k.resourceType, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needsEmulator(t)
			pair := testcerts.NewLeaf(t)
			existing, err := env.client.UploadCertificate(testContext(t), k.kind, env.zoneID, pair.CertPEM, pair.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{
					{
						Config:      certConfig(env, k, pair.CertPEM, "private_key", pair.KeyPEM, ""),
						ExpectError: wrapped("set adopt_existing = true on this resource and apply again"),
					},
					{
						Config: certConfig(env, k, pair.CertPEM, "private_key", pair.KeyPEM, "adopt_existing = true"),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(k.resourceType+".test", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
			if n := len(liveCertificates(env, k.kind)); n != 0 {
				t.Errorf("%d certificates left after destroy", n)
			}
		})
	}
}

// Two resources with the same certificate and adopt_existing cannot both
// manage it: the second is refused in the same run.
func TestAccCertificate_adoptExistingOnceInARun(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	pair := testcerts.NewLeaf(t)
	cfg := env.config(fmt.Sprintf(`
resource "cfaop_zone_certificate" "a" {
  zone_id        = %[1]q
  certificate    = %[2]q
  private_key    = %[3]q
  adopt_existing = true
}
resource "cfaop_zone_certificate" "b" {
  zone_id        = %[1]q
  certificate    = %[2]q
  private_key    = %[3]q
  adopt_existing = true
}
`, env.zoneID, pair.CertPEM, pair.KeyPEM))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: wrapped("Certificate Managed By Another Resource"),
		}},
	})
	if n := len(liveCertificates(env, cfapi.ZoneCertificate)); n != 0 {
		t.Errorf("%d certificates left after destroy", n)
	}
}

// A 1406 whose cause is gone by the time the provider lists the zone's
// certificates (the same certificate's deletion finished in between, as
// after a killed destroy) is followed by one more upload, not by an error.
// A proxy in front of the emulator answers the first upload with
// Cloudflare's 1406 while the emulator holds no such certificate.
func TestAccCertificate_uploadRetriedWhenTheRefusalsCauseIsGone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	var refused atomic.Bool
	emu := env.emu.Handler()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/origin_tls_client_auth") && refused.CompareAndSwap(false, true) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"success":false,"errors":[{"code":1406,"message":"This certificate already exists for this zone."}],"messages":[],"result":null}`)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	viaProxy := *env
	viaProxy.baseURL = proxy.URL + "/client/v4"
	pair := testcerts.NewLeaf(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: certConfig(&viaProxy, zoneCertKind, pair.CertPEM, "private_key_wo", pair.KeyPEM, "private_key_wo_version = 1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cfaop_zone_certificate.test", tfjsonpath.New("status"), knownvalue.StringExact(cfapi.StatusActive)),
			},
		}},
	})
	if !refused.Load() {
		t.Fatal("the proxy refused no upload: the test did not exercise the retry")
	}
	if n := env.emu.Counts()["POST /zones/{zone_id}/origin_tls_client_auth"]; n != 1 {
		t.Errorf("%d uploads reached Cloudflare, want 1 (after the refused one)", n)
	}
}
