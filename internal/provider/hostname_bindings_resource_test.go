package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
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
)

// pluralConfig binds hostnames h<i> for i in hosts over the fixture's
// certificates with one cfaop_hostname_bindings, h<i> on certNames[i % len].
func pluralConfig(f *bindingFixture, hosts []int, certNames []string, cbd bool, extra string) string {
	var b strings.Builder
	for _, c := range certNames {
		b.WriteString(f.cert(c, cbd))
	}
	b.WriteString("\nresource \"cfaop_hostname_bindings\" \"all\" {\n")
	fmt.Fprintf(&b, "  zone_id = %q\n  %s\n  bindings = {\n", f.env.zoneID, extra)
	for _, i := range hosts {
		fmt.Fprintf(&b, "    %q = cfaop_hostname_certificate.%s.id\n", f.hostname(fmt.Sprint("h", i)), certNames[i%len(certNames)])
	}
	b.WriteString("  }\n}\n")
	return f.env.config(b.String())
}

// hostnames are the fixture's hostnames h<i> for i in hosts.
func (f *bindingFixture) hostnames(hosts []int) []string {
	out := make([]string, len(hosts))
	for k, i := range hosts {
		out[k] = f.hostname(fmt.Sprint("h", i))
	}
	return out
}

// upTo is 0, 1, ..., n-1.
func upTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// An apply of many hostnames in one resource waits through two deployment
// delays, the certificates' and the associations', sends the associations
// in a few requests, and returns with every one active; a no-change plan
// reads each hostname once; import by zone and hostnames reads them back.
func TestAccHostnameBindings_applyWaitsTwoDelaysAndImports(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	// Timed from the first upload, with a delay long beside Terraform's own
	// time, which grows on a loaded machine.
	const n, delay = 60, 6 * time.Second
	env.emu.SetDelay(delay)
	certs := []string{"c0", "c1", "c2"}
	f := newBindingFixture(t, env, certs...)
	cfg := pluralConfig(f, upTo(n), certs, false, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			if left := boundCertificates(env); len(left) != 0 {
				return fmt.Errorf("%d associations left after destroy", len(left))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { env.resetCounts() },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cfaop_hostname_bindings.all", tfjsonpath.New("id"), knownvalue.StringExact(env.zoneID)),
					statecheck.ExpectKnownValue("cfaop_hostname_bindings.all", tfjsonpath.New("wait_for_deployment"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("cfaop_hostname_bindings.all", tfjsonpath.New("bindings"), knownvalue.MapSizeExact(n)),
				},
				Check: func(*terraform.State) error {
					took := sinceFirstUpload(env)
					puts := env.count(putHostnames)
					t.Logf("apply of %d hostnames over %d certificates, delay %s: %s (%.2f delays), %d association PUTs",
						n, len(certs), delay, took.Round(10*time.Millisecond), float64(took)/float64(delay), puts)
					if active := activeAssociations(env); active != n {
						return fmt.Errorf("%d associations active when apply returned, want %d", active, n)
					}
					if ratio := float64(took) / float64(delay); ratio > 4 {
						return fmt.Errorf("apply took %s, %.2f deployment delays; the budget is 4", took, ratio)
					}
					if puts > 3 {
						return fmt.Errorf("%d association PUTs for %d hostnames, want at most 3", puts, n)
					}
					return nil
				},
			},
			{
				PreConfig: func() { env.resetCounts() },
				Config:    cfg,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					if gets, plans := env.count(getHostname), env.count(listHostnameCerts); plans == 0 || gets > n*plans {
						t.Errorf("%d association GETs in %d no-change plans of %d hostnames, want at most one per hostname and plan", gets, plans, n)
					}
				},
				ResourceName:      "cfaop_hostname_bindings.all",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return env.zoneID + "/" + strings.Join(f.hostnames(upTo(n)), ","), nil
				},
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// Drift shows as a change and is put back; a rotation with
// create_before_destroy leaves no hostname without an active certificate,
// also when the resource does not wait;
// hostnames left out are removed and no other is written; associations all
// removed outside Terraform remove the resource from state.
func TestAccHostnameBindings_driftRotationAndRemoval(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	const n, delay = 9, time.Second
	env.emu.SetDelay(delay)
	f := newBindingFixture(t, env, "v1", "v2", "other")
	rotated := newBindingFixture(t, env, "v1", "v2")
	rotated.certs["other"] = f.certs["other"]
	withOther := func(fx *bindingFixture, hosts []int, extra string) string {
		return pluralConfig(fx, hosts, []string{"v1", "v2"}, true, extra) + fx.cert("other", false)
	}
	addr := "cfaop_hostname_bindings.all"
	h := func(i int) string { return f.hostname(fmt.Sprint("h", i)) }
	var before map[string]string
	var rotationStart time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: withOther(f, upTo(n), "")},
			{
				// Moved, removed and disabled outside Terraform.
				PreConfig: func() {
					ctx := testContext(t)
					other := certificateIDFor(t, env, f.certs["other"].CertPEM)
					b1, err := env.client.GetBinding(ctx, env.zoneID, h(1))
					if err != nil {
						t.Fatal(err)
					}
					b2, err := env.client.GetBinding(ctx, env.zoneID, h(2))
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range [][]cfapi.BindingChange{
						{{Hostname: h(0), CertID: other, Enabled: true}},
						{{Hostname: h(1), CertID: b1.CertID, Remove: true}},
						{{Hostname: h(2), CertID: b2.CertID, Enabled: false}},
					} {
						if _, err := env.client.PutBindings(ctx, env.zoneID, c); err != nil {
							t.Fatal(err)
						}
					}
					env.resetCounts()
				},
				Config: withOther(f, upTo(n), ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if active := activeAssociations(env); active != n {
						return fmt.Errorf("%d associations active after the drift was applied, want %d", active, n)
					}
					before = boundCertificates(env)
					return nil
				},
			},
			{
				// Without waiting in the resource, the old certificates'
				// deletion waits for the hostnames moved off them.
				PreConfig: func() { rotationStart = time.Now() },
				Config:    withOther(rotated, upTo(n), "wait_for_deployment = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cfaop_hostname_certificate.v1", plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error { return rotatedWithoutGap(env, before, n, delay, rotationStart) },
			},
			{
				// Three hostnames left out: removed, and nothing else written.
				PreConfig: func() { env.resetCounts() },
				Config:    withOther(rotated, upTo(n-3), ""),
				Check: func(*terraform.State) error {
					left := boundCertificates(env)
					if len(left) != n-3 {
						return fmt.Errorf("%d associations after removing 3 of %d: %v", len(left), n, slices.Sorted(maps.Keys(left)))
					}
					if puts := env.count(putHostnames); puts != 1 {
						return fmt.Errorf("%d association PUTs to remove 3 hostnames, want 1", puts)
					}
					return nil
				},
			},
			{
				// Every association removed outside Terraform: the resource is gone.
				PreConfig: func() {
					var changes []cfapi.BindingChange
					for host, c := range boundCertificates(env) {
						changes = append(changes, cfapi.BindingChange{Hostname: host, CertID: c, Remove: true})
					}
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, changes); err != nil {
						t.Fatal(err)
					}
				},
				Config: withOther(rotated, upTo(n-3), ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if active := activeAssociations(env); active != n-3 {
						return fmt.Errorf("%d associations active after re-creating, want %d", active, n-3)
					}
					return nil
				},
			},
		},
	})
}

// The guide's move from one cfaop_hostname_binding per hostname: removed
// blocks forget the bindings, an import block adopts their hostnames, and
// nothing is written to Cloudflare.
func TestAccHostnameBindings_moveFromSingleBindingsWritesNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	const n = 4
	f := newBindingFixture(t, env, "c0", "c1")
	certs := []string{"c0", "c1"}
	hosts := f.hostnames(upTo(n))
	moved := pluralConfig(f, upTo(n), certs, false, "") + fmt.Sprintf(`
removed {
  from = cfaop_hostname_binding.many
  lifecycle {
    destroy = false
  }
}

import {
  to = cfaop_hostname_bindings.all
  id = %q
}
`, env.zoneID+"/"+strings.Join(hosts, ","))
	var before map[string]string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: noWaitBindingsConfig(f, n, certs, false),
				Check:  func(*terraform.State) error { before = boundCertificates(env); return nil },
			},
			{
				PreConfig: func() { env.resetCounts() },
				Config:    moved,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cfaop_hostname_bindings.all", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if puts := env.count(putHostnames); puts != 0 {
						return fmt.Errorf("%d association writes while moving to cfaop_hostname_bindings, want none", puts)
					}
					if after := boundCertificates(env); !maps.Equal(after, before) {
						return fmt.Errorf("associations changed while moving: %v, were %v", after, before)
					}
					return nil
				},
			},
		},
	})
}

// A write Cloudflare refuses for some hostnames keeps the others: state
// records what was accepted, the error names the refused hostname, and the
// next apply recovers. Here the certificate already serves 99 hostnames
// bound outside Terraform, which the plan cannot count, so Cloudflare takes
// one of the two new hostnames and refuses the other (1419).
func TestAccHostnameBindings_partialRefusalKeepsTheAccepted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	f := newBindingFixture(t, env, "c0")
	var certID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.config(f.cert("c0", false)),
				Check: func(s *terraform.State) error {
					certID = s.RootModule().Resources["cfaop_hostname_certificate.c0"].Primary.ID
					var changes []cfapi.BindingChange
					for i := range 99 {
						changes = append(changes, cfapi.BindingChange{Hostname: f.hostname(fmt.Sprintf("outside%d", i)), CertID: certID, Enabled: true})
					}
					return putOutsideTerraform(t, env, changes)
				},
			},
			{
				Config:      pluralConfig(f, []int{0, 1}, []string{"c0"}, false, ""),
				ExpectError: regexp.MustCompile(`(?s)Cannot Bind Hostnames.*1419.*Cloudflare accepted the other 1\s+changes, and state records them`),
			},
			{
				// One hostname fewer outside Terraform: the refused one fits now.
				PreConfig: func() {
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: f.hostname("outside0"), CertID: certID, Remove: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: pluralConfig(f, []int{0, 1}, []string{"c0"}, false, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cfaop_hostname_bindings.all", tfjsonpath.New("bindings"), knownvalue.MapSizeExact(2)),
				},
				// The outside associations go, so that the destroy can delete the certificate.
				Check: func(*terraform.State) error {
					var changes []cfapi.BindingChange
					for i := 1; i < 99; i++ {
						changes = append(changes, cfapi.BindingChange{Hostname: f.hostname(fmt.Sprintf("outside%d", i)), CertID: certID, Remove: true})
					}
					return putOutsideTerraform(t, env, changes)
				},
			},
		},
	})
}

// putOutsideTerraform writes associations as another client would, at most
// 50 per request as Cloudflare allows.
func putOutsideTerraform(t *testing.T, env *testEnv, changes []cfapi.BindingChange) error {
	for len(changes) > 0 {
		k := min(len(changes), 50)
		if _, err := env.client.PutBindings(testContext(t), env.zoneID, changes[:k]); err != nil {
			return err
		}
		changes = changes[k:]
	}
	return nil
}
