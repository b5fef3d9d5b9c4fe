package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// These tests cover how the provider copes with the answers Cloudflare is
// observed to give (see the emulator's doc.go): 1553 for a hostname without
// association, 1434 for deleting a certificate still being deployed, 409 for
// concurrent zone-certificate writes, and "result": null for an empty list.

// A binding removed outside Terraform reads as 404/1553: refresh drops it
// from state and the plan creates it again; the data source names the cause.
func TestAccHostnameBinding_goneOutsideTerraformIs1553Drift(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	f := newBindingFixture(t, env, "a")
	host := f.hostname("drift")
	cfg := env.config(f.cert("a", false) + f.binding("app", host, "cfaop_hostname_certificate.a.id", ""))
	var certID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					certID = s.RootModule().Resources["cfaop_hostname_certificate.a"].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: certID, Remove: true}}); err != nil {
						t.Fatal(err)
					}
					// The emulator's delay is zero: the association is gone at once.
					if _, err := env.client.GetBinding(testContext(t), env.zoneID, host); !cfapi.HasCode(err, cfapi.CodeHostnameSettingNotFound) || !cfapi.IsNotFound(err) {
						t.Fatalf("want 404 with code 1553 for the removed association, got %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("cfaop_hostname_binding.app", plancheck.ResourceActionCreate)},
				},
			},
			{
				Config: env.config(fmt.Sprintf(`
data "cfaop_hostname_binding" "none" {
  zone_id  = %q
  hostname = %q
}
`, env.zoneID, f.hostname("nobody"))),
				ExpectError: regexp.MustCompile(`No Association For Hostname`),
			},
		},
	})
}

// A certificate left pending deployment by an interrupted create (here: a
// create timeout shorter than the deployment) is destroyed anyway: the delete
// meets 1434, waits until the certificate is active and deletes it.
func TestAccCertificate_destroyWhilePendingDeploymentWaitsFor1434(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	const deploy = 6 * time.Second
	env.emu.SetDelay(deploy)
	zoneCert, hostCert := testcerts.NewLeaf(t), testcerts.NewLeaf(t)
	cfg := env.config(fmt.Sprintf(`
resource "cfaop_zone_certificate" "z" {
  zone_id     = %q
  certificate = %q
  private_key = %q
  timeouts {
    create = "1s"
  }
}
resource "cfaop_hostname_certificate" "h" {
  zone_id     = %q
  certificate = %q
  private_key = %q
  timeouts {
    create = "1s"
  }
}
`, env.zoneID, zoneCert.CertPEM, zoneCert.KeyPEM, env.zoneID, hostCert.CertPEM, hostCert.KeyPEM))
	const zoneDelete = "DELETE /zones/{zone_id}/origin_tls_client_auth/{certificate_id}"
	const hostDelete = "DELETE /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates/{certificate_id}"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			for _, z := range env.emu.Snapshot().Zones {
				for _, c := range append(z.ZoneCertificates, z.HostnameCertificates...) {
					if c.Status != "deleted" {
						return fmt.Errorf("certificate %s is %s after destroy", c.ID, c.Status)
					}
				}
			}
			// One DELETE refused with 1434, one accepted, per certificate.
			if z, h := env.count(zoneDelete), env.count(hostDelete); z < 2 || h < 2 {
				return fmt.Errorf("%d zone and %d hostname certificate DELETEs: the destroy did not meet a certificate pending deployment, the test proves nothing", z, h)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`Certificate Did Not Become Active`),
		}, {
			PreConfig: func() {
				for _, kind := range []cfapi.CertificateKind{cfapi.ZoneCertificate, cfapi.HostnameCertificate} {
					certs, err := env.client.ListCertificates(testContext(t), kind, env.zoneID)
					if err != nil || len(certs) != 1 || certs[0].Status != cfapi.StatusPendingDeployment {
						t.Fatalf("%s: want one pending_deployment certificate before the destroy, got %+v, %v", kind, certs, err)
					}
				}
			},
			Config:  cfg,
			Destroy: true,
		}},
	})
}

// Zone certificates created and destroyed in parallel in one zone meet
// Cloudflare's 409 for concurrent zone-certificate writes; each refused write
// is repeated, and apply and destroy succeed.
func TestAccZoneCertificate_parallelWritesRetry409(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	env.emu.SetZoneCertWriteTime(300 * time.Millisecond)
	const n = 4
	var cfg strings.Builder
	for i := range n {
		p := testcerts.NewLeaf(t)
		fmt.Fprintf(&cfg, `
resource "cfaop_zone_certificate" "c%d" {
  zone_id     = %q
  certificate = %q
  private_key = %q
}
`, i, env.zoneID, p.CertPEM, p.KeyPEM)
	}
	const post = "POST /zones/{zone_id}/origin_tls_client_auth"
	const del = "DELETE /zones/{zone_id}/origin_tls_client_auth/{certificate_id}"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			certs, err := env.client.ListCertificates(testContext(t), cfapi.ZoneCertificate, env.zoneID)
			if err != nil || len(certs) != 0 {
				return fmt.Errorf("zone certificates left after destroy: %+v, %v", certs, err)
			}
			if got := env.count(del); got <= n {
				return fmt.Errorf("%d DELETEs for %d parallel deletes: no 409 was met, the test proves nothing", got, n)
			}
			t.Logf("%d parallel deletes took %d DELETE requests", n, env.count(del))
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.config(cfg.String()),
				Check: func(*terraform.State) error {
					certs, err := env.client.ListCertificates(testContext(t), cfapi.ZoneCertificate, env.zoneID)
					if err != nil || len(certs) != n {
						return fmt.Errorf("want %d zone certificates, got %d (%v)", n, len(certs), err)
					}
					if got := env.count(post); got <= n {
						return fmt.Errorf("%d uploads took %d POSTs: no 409 was met, the test proves nothing", n, got)
					}
					t.Logf("%d parallel uploads took %d POST requests", n, env.count(post))
					return nil
				},
			},
		},
	})
}

// A zone without zone certificates lists "result": null; the data source
// answers an empty list.
func TestAccCertificatesDataSource_emptyZoneIsEmptyList(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`data "cfaop_zone_certificates" "none" { zone_id = %q }`, env.zoneID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cfaop_zone_certificates.none", tfjsonpath.New("certificates"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}
