package provider

import (
	"fmt"
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
