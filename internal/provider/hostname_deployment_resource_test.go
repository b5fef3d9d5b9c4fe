package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

const (
	getHostname       = "GET /zones/{zone_id}/origin_tls_client_auth/hostnames/{hostname}"
	listHostnameCerts = "GET /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates"
)

// deploymentConfig binds n hostnames over the fixture's certificates
// without waiting, and waits once with a cfaop_hostname_deployment.
func deploymentConfig(f *bindingFixture, n int, certNames []string, cbd bool) string {
	return noWaitBindingsConfig(f, n, certNames, cbd) + fmt.Sprintf(`
resource "cfaop_hostname_deployment" "all" {
  zone_id  = %q
  bindings = { for b in cfaop_hostname_binding.many : b.hostname => b.certificate_id }
}
`, f.env.zoneID)
}

// noWaitBindingsConfig binds n hostnames over the fixture's certificates
// without waiting for them anywhere.
func noWaitBindingsConfig(f *bindingFixture, n int, certNames []string, cbd bool) string {
	var b strings.Builder
	refs := make([]string, len(certNames))
	for i, c := range certNames {
		b.WriteString(f.cert(c, cbd))
		refs[i] = "cfaop_hostname_certificate." + c + ".id"
	}
	fmt.Fprintf(&b, `
locals {
  certs = [%s]
}

resource "cfaop_hostname_binding" "many" {
  count               = %d
  zone_id             = %q
  hostname            = "h${count.index}.%s"
  certificate_id      = local.certs[count.index %% length(local.certs)]
  wait_for_deployment = false
}
`, strings.Join(refs, ", "), n, f.env.zoneID, f.env.zoneNameFromAPI())
	return f.env.config(b.String())
}

// activeOn counts the emulator's associations active on their certificate.
func activeAssociations(env *testEnv) int {
	n := 0
	for _, z := range env.emu.Snapshot().Zones {
		for _, bd := range z.Bindings {
			if bd.Status == cfapi.StatusActive {
				n++
			}
		}
	}
	return n
}

// An apply of many bindings waits through two deployment delays, the
// certificates' and then the associations', not one per batch of parallel
// bindings (Terraform's default parallelism is 10: the old design took
// about 48/10 + 1 delays here), and returns with every association active.
func TestAccHostnameDeployment_applyWaitsTwoDelays(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	// A delay long beside Terraform's own time for 48 bindings, which grows
	// on a loaded machine (make test runs eight packages at once).
	const n, delay = 48, 8 * time.Second
	env.emu.SetDelay(delay)
	certs := []string{"c0", "c1", "c2"}
	f := newBindingFixture(t, env, certs...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { env.resetCounts() },
				Config:    deploymentConfig(f, n, certs, false),
				Check: func(*terraform.State) error {
					took := sinceFirstUpload(env)
					active := activeAssociations(env)
					gets := env.count(getHostname)
					t.Logf("apply of %d bindings over %d certificates, delay %s: %s (%.2f delays), %d association GETs",
						n, len(certs), delay, took.Round(10*time.Millisecond), float64(took)/float64(delay), gets)
					if active != n {
						return fmt.Errorf("%d associations active when apply returned, want %d", active, n)
					}
					// Two delays plus Terraform's time; waiting per binding costs
					// at least 48/10 + 1 = 5.8 delays, which this limit refuses.
					if ratio := float64(took) / float64(delay); ratio > 4.5 {
						return fmt.Errorf("apply took %s, %.2f deployment delays; the budget is 4.5", took, ratio)
					}
					// Shared polls: about one per poll per certificate plus one
					// per hostname, where unshared waits would poll every hostname.
					if limit := len(certs)*int(delay/shortPolls.first) + 2*n; gets > limit {
						return fmt.Errorf("%d association GETs, want at most %d", gets, limit)
					}
					return nil
				},
			},
			{
				// A no-change plan reads each hostname once: the deployment
				// reuses the reads its bindings made in the same refresh.
				PreConfig: func() { env.resetCounts() },
				Config:    deploymentConfig(f, n, certs, false),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					if gets, plans := env.count(getHostname), env.count(listHostnameCerts); plans == 0 || gets > n*plans {
						t.Errorf("%d association GETs in %d no-change plans of %d bindings and their deployment, want at most one per binding and plan", gets, plans, n)
					}
				},
				ResourceName:      "cfaop_hostname_deployment.all",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					var hosts []string
					for i := range n {
						hosts = append(hosts, fmt.Sprintf("h%d.%s", i, env.zoneName))
					}
					return env.zoneID + "/" + strings.Join(hosts, ","), nil
				},
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// A hostname moved off its certificate outside Terraform shows as a change
// of the deployment, and applying waits for it again.
func TestAccHostnameDeployment_driftAndRotationWithoutGap(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	// Long enough that the old certificates are still listed (pending
	// deletion or deleted, not purged) when the rotation's apply returns.
	const n, delay = 12, time.Second
	env.emu.SetDelay(delay)
	f := newBindingFixture(t, env, "v1", "v2", "other")
	rotated := newBindingFixture(t, env, "v1", "v2")
	rotated.certs["other"] = f.certs["other"]
	withOther := func(fx *bindingFixture) string {
		return deploymentConfig(fx, n, []string{"v1", "v2"}, true) + fx.cert("other", false)
	}
	host := "h0." + env.zoneName
	var before map[string]string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: withOther(f)},
			{
				PreConfig: func() {
					other := certificateIDFor(t, env, f.certs["other"].CertPEM)
					if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: other, Enabled: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: withOther(f),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cfaop_hostname_deployment.all", plancheck.ResourceActionUpdate),
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
				// New certificates with create_before_destroy: every
				// hostname moves, and no hostname is left without one.
				Config: withOther(rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cfaop_hostname_certificate.v1", plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction("cfaop_hostname_deployment.all", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error { return rotatedWithoutGap(env, before, n, delay, time.Time{}) },
			},
		},
	})
}

// Without a deployment resource nothing orders a rotation's certificate
// deletions after the moved associations are active: the certificate's
// deletion itself waits for the hostnames that left it.
func TestAccHostnameCertificate_deletionWaitsForHostnamesLeaving(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	const n, delay = 6, time.Second
	env.emu.SetDelay(delay)
	f := newBindingFixture(t, env, "v1")
	rotated := newBindingFixture(t, env, "v1")
	var before map[string]string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: noWaitBindingsConfig(f, n, []string{"v1"}, true),
				Check:  func(*terraform.State) error { before = boundCertificates(env); return nil },
			},
			{
				Config: noWaitBindingsConfig(rotated, n, []string{"v1"}, true),
				Check: func(*terraform.State) error {
					for h := range before {
						if gaps := env.emu.HostnameGaps(env.zoneID, h); len(gaps) != 0 {
							return fmt.Errorf("rotation left %s without an active certificate: %+v", h, gaps)
						}
					}
					return oldCertificatesOutlivedMoves(env, before, delay)
				},
			},
		},
	})
}

// rotatedWithoutGap checks a rotation of n hostnames away from the
// certificates in before: every hostname moved and is active, none went
// without an active certificate after since (gaps that ended earlier are
// not the rotation's), and each old certificate outlived the moves off it.
func rotatedWithoutGap(env *testEnv, before map[string]string, n int, delay time.Duration, since time.Time) error {
	after := boundCertificates(env)
	for _, h := range slices.Sorted(maps.Keys(after)) {
		if before[h] == after[h] {
			return fmt.Errorf("%s still on %s after the rotation", h, after[h])
		}
		for _, g := range env.emu.HostnameGaps(env.zoneID, h) {
			if g.End.IsZero() || g.End.After(since) {
				return fmt.Errorf("rotation left %s without an active certificate: %+v", h, g)
			}
		}
	}
	if active := activeAssociations(env); active != n {
		return fmt.Errorf("%d associations active after the rotation, want %d", active, n)
	}
	return oldCertificatesOutlivedMoves(env, before, delay)
}

// oldCertificatesOutlivedMoves checks that each certificate was deleted only
// after every hostname that left it was active on its new certificate.
func oldCertificatesOutlivedMoves(env *testEnv, before map[string]string, delay time.Duration) error {
	activeAt := map[string]time.Time{}
	for _, z := range env.emu.Snapshot().Zones {
		for _, bd := range z.Bindings {
			activeAt[bd.Hostname] = bd.UpdatedAt.Add(delay)
		}
	}
	for h, old := range before {
		// Not from the snapshot: a deleted certificate leaves the listing
		// one delay after its deletion, which a loaded machine can outlast
		// before this check runs.
		at, ok := env.emu.CertificateDeletionRequested(env.zoneID, old)
		if !ok {
			return fmt.Errorf("old certificate %s of %s was not deleted", old, h)
		}
		if at.Before(activeAt[h]) {
			return fmt.Errorf("certificate %s was deleted at %s, before %s was active on its new certificate at %s", old, at.Format(time.RFC3339Nano), h, activeAt[h].Format(time.RFC3339Nano))
		}
	}
	return nil
}

// certificateIDFor is the ID of the live hostname certificate with this PEM.
func certificateIDFor(t *testing.T, env *testEnv, certPEM string) string {
	t.Helper()
	certs, err := env.client.ListCertificates(testContext(t), cfapi.HostnameCertificate, env.zoneID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range certs {
		if strings.TrimSpace(c.Certificate) == strings.TrimSpace(certPEM) && c.Status == cfapi.StatusActive {
			return c.ID
		}
	}
	t.Fatal("certificate not found in the emulator")
	return ""
}

// sinceFirstUpload is the time since the emulator received the first
// hostname certificate still in its state: an apply's own time, without the
// init and plan before it, which grow with the machine's load.
func sinceFirstUpload(env *testEnv) time.Duration {
	var first time.Time
	for _, z := range env.emu.Snapshot().Zones {
		for _, c := range z.HostnameCertificates {
			if first.IsZero() || c.UploadedOn.Before(first) {
				first = c.UploadedOn
			}
		}
	}
	return time.Since(first)
}

// boundCertificates maps each of the emulator's hostnames to its certificate.
func boundCertificates(env *testEnv) map[string]string {
	out := map[string]string{}
	for _, z := range env.emu.Snapshot().Zones {
		for _, bd := range z.Bindings {
			out[bd.Hostname] = bd.CertID
		}
	}
	return out
}

// A deletion refused because a hostname is still bound is tried again for a
// while: a removal that finishes meanwhile lets the destroy succeed.
func TestAccHostnameCertificate_inUseDeletionIsRetried(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	f := newBindingFixture(t, env, "a")
	host := f.hostname("late")
	const deleteCert = "DELETE /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates/{certificate_id}"
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
				PreConfig: func() {
					env.resetCounts()
					// Removed only after Cloudflare refused the first deletion:
					// the emulator counts a request when it arrives, before
					// answering it, so the second deletion (sent once the first
					// was answered) is the sign that the first was refused.
					go func() {
						for env.count(deleteCert) < 2 {
							if t.Context().Err() != nil {
								return
							}
							time.Sleep(10 * time.Millisecond)
						}
						if _, err := env.client.PutBindings(testContext(t), env.zoneID, []cfapi.BindingChange{{Hostname: host, CertID: certID, Remove: true}}); err != nil {
							t.Error(err)
						}
					}()
				},
				Config: env.config(`# certificate removed from the configuration`),
				Check: func(*terraform.State) error {
					if n := env.count(deleteCert); n < 2 {
						return fmt.Errorf("%d deletion requests, want the refused one and a retry", n)
					}
					return nil
				},
			},
		},
	})
}

// Turning wait_for_deployment off or on changes only how the provider waits:
// it writes nothing.
func TestAccHostnameBinding_waitForDeploymentChangeWritesNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	f := newBindingFixture(t, env, "a")
	host := f.hostname("app")
	cfg := func(extra string) string {
		return env.config(f.cert("a", false) + f.binding("app", host, "cfaop_hostname_certificate.a.id", extra))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg("")},
			{
				PreConfig: func() { env.resetCounts() },
				Config:    cfg("wait_for_deployment = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cfaop_hostname_binding.app", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if n := env.count(putHostnames); n != 0 {
						return fmt.Errorf("%d association writes for a change of wait_for_deployment, want none", n)
					}
					return nil
				},
			},
		},
	})
}
