package provider

import (
	"fmt"
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

const putHostnames = "PUT /zones/{zone_id}/origin_tls_client_auth/hostnames"

// bindingFixture is a configuration with hostname certificates and bindings.
type bindingFixture struct {
	env   *testEnv
	certs map[string]testcerts.Pair
}

func newBindingFixture(t *testing.T, env *testEnv, names ...string) *bindingFixture {
	f := &bindingFixture{env: env, certs: map[string]testcerts.Pair{}}
	for _, n := range names {
		f.certs[n] = testcerts.NewLeaf(t, testcerts.WithCN(n+".client.example.com"))
	}
	return f
}

// cert renders a hostname certificate resource named n.
func (f *bindingFixture) cert(n string, cbd bool) string {
	p := f.certs[n]
	lifecycle := ""
	if cbd {
		lifecycle = "lifecycle {\n    create_before_destroy = true\n  }"
	}
	return fmt.Sprintf(`
resource "cfaop_hostname_certificate" %q {
  zone_id     = %q
  certificate = %q
  private_key = %q
  %s
}
`, n, f.env.zoneID, p.CertPEM, p.KeyPEM, lifecycle)
}

func (f *bindingFixture) binding(name, hostname, certRef, extra string) string {
	return fmt.Sprintf(`
resource "cfaop_hostname_binding" %q {
  zone_id        = %q
  hostname       = %q
  certificate_id = %s
  %s
}
`, name, f.env.zoneID, hostname, certRef, extra)
}

func (f *bindingFixture) hostname(sub string) string {
	if f.env.zoneName != "" {
		return sub + "." + f.env.zoneName
	}
	return sub + "." + f.env.zoneNameFromAPI()
}

func TestAccHostnameBinding_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newBindingFixture(t, env, "a", "b")
	host := f.hostname("app")
	addr := "cfaop_hostname_binding.app"
	cfg := func(certRef, extra string) string {
		return env.config(f.cert("a", false) + f.cert("b", false) + f.binding("app", host, certRef, extra))
	}
	bound := func(certName string, enabled bool) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			want := s.RootModule().Resources["cfaop_hostname_certificate."+certName].Primary.ID
			got, err := env.client.GetBinding(testContext(t), env.zoneID, host)
			if err != nil {
				return err
			}
			if got.CertID != want || got.Enabled != enabled || got.Status != cfapi.StatusActive {
				return fmt.Errorf("API association %+v, want cert %s enabled=%t active", got, want, enabled)
			}
			return nil
		}
	}
	certID := func(s *terraform.State, n string) string {
		return s.RootModule().Resources["cfaop_hostname_certificate."+n].Primary.ID
	}
	var stateB string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.client.GetBinding(testContext(t), env.zoneID, host); !cfapi.IsNotFound(err) {
				return fmt.Errorf("association of %s still exists after destroy (err=%v)", host, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("cfaop_hostname_certificate.a.id", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("certificate_status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(env.zoneID+"/"+host)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_on"), knownvalue.StringExact(f.certs["a"].Cert.NotAfter.UTC().Format(time.RFC3339))),
				},
				Check: bound("a", true),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           env.zoneID + "/" + host,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"updated_at", "status", "certificate_status"},
			},
			{
				Config:           cfg("cfaop_hostname_certificate.a.id", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Moving to another certificate is one in-place update.
			{
				PreConfig: func() { env.resetCounts() },
				Config:    cfg("cfaop_hostname_certificate.b.id", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(bound("b", true), func(s *terraform.State) error {
					stateB = certID(s, "b")
					if n := env.count(putHostnames); env.emu != nil && n != 1 {
						return fmt.Errorf("moving the binding took %d PUTs, want 1", n)
					}
					return nil
				}),
			},
			// Disabled keeps the association.
			{
				Config: cfg("cfaop_hostname_certificate.b.id", "enabled = false"),
				Check:  bound("b", false),
			},
			// Changed outside Terraform: the plan shows it and apply restores it.
			{
				PreConfig: func() {
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: stateB, Enabled: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("cfaop_hostname_certificate.b.id", "enabled = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					},
				},
				Check: bound("b", false),
			},
			// Removed outside Terraform: the plan creates it again.
			{
				PreConfig: func() {
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: stateB, Remove: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("cfaop_hostname_certificate.b.id", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: bound("b", true),
			},
		},
	})
}

// Changing the hostname replaces the binding and removes the old association.
func TestAccHostnameBinding_hostnameChangeRemovesOldAssociation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newBindingFixture(t, env, "a")
	oldHost, newHost := f.hostname("old"), f.hostname("new")
	addr := "cfaop_hostname_binding.app"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: env.config(f.cert("a", false) + f.binding("app", oldHost, "cfaop_hostname_certificate.a.id", ""))},
			{
				Config: env.config(f.cert("a", false) + f.binding("app", newHost, "cfaop_hostname_certificate.a.id", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					if _, err := env.client.GetBinding(testContext(t), env.zoneID, oldHost); !cfapi.IsNotFound(err) {
						return fmt.Errorf("old association of %s is still there (err=%v)", oldHost, err)
					}
					if env.emu != nil {
						for _, z := range env.emu.Snapshot().Zones {
							for _, b := range z.Bindings {
								if b.Hostname == oldHost {
									return fmt.Errorf("emulator still holds %s: %+v", oldHost, b)
								}
							}
						}
					}
					got, err := env.client.GetBinding(testContext(t), env.zoneID, newHost)
					if err != nil || got.Status != cfapi.StatusActive {
						return fmt.Errorf("new association: %+v %v", got, err)
					}
					return nil
				},
			},
		},
	})
}

// Rotating the certificate under a binding leaves no moment without an
// active certificate bound.
func TestAccHostnameBinding_rotationWithoutGap(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	env.emu.SetDelay(testStatusDelay)
	f := newBindingFixture(t, env, "v1", "v2")
	host := f.hostname("app")
	cfg := func(version string) string {
		p := f.certs[version]
		return env.config(fmt.Sprintf(`
resource "cfaop_hostname_certificate" "app" {
  zone_id     = %q
  certificate = %q
  private_key = %q
  lifecycle {
    create_before_destroy = true
  }
}
`, env.zoneID, p.CertPEM, p.KeyPEM) + f.binding("app", host, "cfaop_hostname_certificate.app.id", ""))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg("v1")},
			{
				Config: cfg("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("cfaop_hostname_certificate.app", plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectResourceAction("cfaop_hostname_binding.app", plancheck.ResourceActionUpdate),
					},
				},
				Check: func(s *terraform.State) error {
					got, err := env.client.GetBinding(testContext(t), env.zoneID, host)
					if err != nil {
						return err
					}
					if want := s.RootModule().Resources["cfaop_hostname_certificate.app"].Primary.ID; got.CertID != want {
						return fmt.Errorf("binding on %s, want the new certificate %s", got.CertID, want)
					}
					gaps := env.emu.HostnameGaps(env.zoneID, host)
					var total time.Duration
					for _, g := range gaps {
						total += g.End.Sub(g.Start)
					}
					t.Logf("rotation of %s: %d gaps, %s without an active certificate", host, len(gaps), total)
					if len(gaps) != 0 {
						return fmt.Errorf("rotation left %s without an active certificate: %+v", host, gaps)
					}
					return nil
				},
			},
		},
	})
}

func TestAccHostnameBinding_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newBindingFixture(t, env, "a")
	zoneCert := testcerts.NewLeaf(t)
	cases := []struct {
		name, hostname, certRef string
		want                    string
	}{
		{"scheme", "https://app." + env.zoneNameOr("example.com"), "cfaop_hostname_certificate.a.id", "must be a hostname, not a URL: remove the scheme"},
		{"port", "app." + env.zoneNameOr("example.com") + ":8443", "cfaop_hostname_certificate.a.id", "remove the port"},
		{"path", "app." + env.zoneNameOr("example.com") + "/api", "cfaop_hostname_certificate.a.id", "remove the path"},
		{"uppercase", "App." + env.zoneNameOr("example.com"), "cfaop_hostname_certificate.a.id", "must be lowercase"},
		{"wildcard", "*." + env.zoneNameOr("example.com"), "cfaop_hostname_certificate.a.id", "is a wildcard"},
		{"single label", "localhost", "cfaop_hostname_certificate.a.id", "must be a fully qualified hostname"},
		{"certificate id form", "app." + env.zoneNameOr("example.com"), `"not-an-id"`, "must be a Cloudflare certificate ID"},
		{"zone certificate", "app." + env.zoneNameOr("example.com"), "cfaop_zone_certificate.z.id", "is a zone-level certificate"},
		{"unknown certificate", "app." + env.zoneNameOr("example.com"), `"2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"`, "has no hostname certificate 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"},
	}
	// One step each, in one test: the certificates the configurations
	// share are uploaded once.
	steps := make([]resource.TestStep, len(cases))
	for i, tc := range cases {
		cfg := f.cert("a", false) + fmt.Sprintf(`
resource "cfaop_zone_certificate" "z" {
  zone_id     = %q
  certificate = %q
  private_key = %q
}
`, env.zoneID, zoneCert.CertPEM, zoneCert.KeyPEM) + f.binding("app", tc.hostname, tc.certRef, "")
		steps[i] = resource.TestStep{Config: env.config(cfg), ExpectError: wrapped(tc.want)}
		t.Logf("step %d: %s", i+1, tc.name)
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
}

// A binding Cloudflare refuses fails alone; the valid bindings sent in the
// same batch are applied.
func TestAccHostnameBinding_invalidBindingDoesNotFailItsBatch(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	f := newBindingFixture(t, env, "a")
	valid := f.cert("a", false) +
		f.binding("good1", f.hostname("good1"), "cfaop_hostname_certificate.a.id", "") +
		f.binding("good2", f.hostname("good2"), "cfaop_hostname_certificate.a.id", "")
	// A certificate already bound to 100 hostnames outside this
	// configuration: the plan cannot know them (they are not in state), and
	// Cloudflare refuses a 101st with 1419.
	full := testcerts.NewLeaf(t)
	fullCert, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, full.CertPEM, full.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	for batch := range 2 {
		changes := make([]cfapi.BindingChange, 50)
		for i := range changes {
			changes[i] = cfapi.BindingChange{Hostname: f.hostname(fmt.Sprintf("full%d", batch*50+i)), CertID: fullCert.ID, Enabled: true}
		}
		if _, err := env.client.PutBindings(testContext(t), env.zoneID, changes); err != nil {
			t.Fatal(err)
		}
	}
	invalid := f.binding("over", f.hostname("over"), fmt.Sprintf("%q", fullCert.ID), "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      env.config(valid + invalid),
				ExpectError: wrapped("Cannot Bind Hostname"),
			},
			// The valid bindings were applied and recorded: without the
			// invalid one there is nothing left to do.
			{
				Config:           env.config(valid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					for _, h := range []string{f.hostname("good1"), f.hostname("good2")} {
						if b, err := env.client.GetBinding(testContext(t), env.zoneID, h); err != nil || b.Status != cfapi.StatusActive {
							return fmt.Errorf("%s: %+v %v", h, b, err)
						}
					}
					return nil
				},
			},
		},
	})
}

// A hostname certificate bound outside Terraform cannot be destroyed; the
// error names the hostname.
func TestAccHostnameCertificate_boundCertificateNamesHostnames(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newBindingFixture(t, env, "a")
	host := f.hostname("pinned")
	var certID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.config(f.cert("a", false)),
				Check: func(s *terraform.State) error {
					certID = s.RootModule().Resources["cfaop_hostname_certificate.a"].Primary.ID
					_, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: certID, Enabled: true}})
					return err
				},
			},
			{
				Config:      env.config(`# certificate removed from the configuration`),
				ExpectError: wrapped("Hostname Certificate Still Bound"),
			},
			{
				PreConfig: func() {
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: certID, Remove: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(`# certificate removed from the configuration`),
			},
		},
	})
}
