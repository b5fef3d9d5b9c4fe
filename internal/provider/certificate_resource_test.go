package provider

import (
	"context"
	"encoding/json"
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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

type certKindUnderTest struct {
	resourceType string
	kind         cfapi.CertificateKind
}

var (
	zoneCertKind     = certKindUnderTest{"cfaop_zone_certificate", cfapi.ZoneCertificate}
	hostnameCertKind = certKindUnderTest{"cfaop_hostname_certificate", cfapi.HostnameCertificate}
)

// certConfig renders one certificate resource; extra goes inside the block.
func certConfig(env *testEnv, k certKindUnderTest, certPEM, keyAttr, keyPEM, extra string) string {
	return env.config(certBody(env, k, certPEM, keyAttr, keyPEM, extra))
}

// certBody is certConfig without the provider block.
func certBody(env *testEnv, k certKindUnderTest, certPEM, keyAttr, keyPEM, extra string) string {
	return fmt.Sprintf(`
resource %q "test" {
  zone_id     = %q
  certificate = %q
  %s = %q
  %s
}
`, k.resourceType, env.zoneID, certPEM, keyAttr, keyPEM, extra)
}

func fingerprintOf(t *testing.T, p testcerts.Pair) string {
	t.Helper()
	return pemcert.SHA256Fingerprint(p.Cert)
}

// liveCertificates lists the emulator's certificates of a kind that are not being deleted.
func liveCertificates(env *testEnv, kind cfapi.CertificateKind) []emulator.CertificateState {
	var out []emulator.CertificateState
	for _, z := range env.emu.Snapshot().Zones {
		if z.ID != env.zoneID {
			continue
		}
		certs := z.ZoneCertificates
		if kind == cfapi.HostnameCertificate {
			certs = z.HostnameCertificates
		}
		for _, c := range certs {
			if c.Status != emulator.StatusDeleted && c.Status != emulator.StatusPendingDeletion {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestAccZoneCertificate_lifecycle(t *testing.T) {
	t.Parallel()
	testAccCertificateLifecycle(t, zoneCertKind)
}
func TestAccHostnameCertificate_lifecycle(t *testing.T) {
	t.Parallel()
	testAccCertificateLifecycle(t, hostnameCertKind)
}

// Create waits for active, import restores everything but the key, an
// out-of-band delete is noticed and repaired, and destroy waits until gone.
func testAccCertificateLifecycle(t *testing.T, k certKindUnderTest) {
	env := newTestEnv(t)
	if env.emu != nil {
		env.emu.SetDelay(testStatusDelay) // exercise pending_deployment -> active
	}
	pair := testcerts.NewLeaf(t, testcerts.WithCN("lifecycle.example.com"))
	addr := k.resourceType + ".test"
	cfg := certConfig(env, k, pair.CertPEM, "private_key", pair.KeyPEM, "")
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			_, err := env.client.GetCertificate(testContext(t), k.kind, env.zoneID, firstID)
			if err == nil {
				c, _ := env.client.GetCertificate(testContext(t), k.kind, env.zoneID, firstID)
				if c.Status != cfapi.StatusDeleted {
					return fmt.Errorf("certificate %s still exists with status %s", firstID, c.Status)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(fingerprintOf(t, pair))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("serial_number"), knownvalue.StringExact(pair.Cert.SerialNumber.String())),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_on"), knownvalue.StringExact(pair.Cert.NotAfter.UTC().Format(time.RFC3339))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{32,36}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("issuer"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signature"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("uploaded_on"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-`))),
				},
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				ResourceName: addr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return env.zoneID + "/" + s.RootModule().Resources[addr].Primary.ID, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"private_key", "certificate"},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Deleted outside Terraform: refresh drops it and the plan creates it again.
			{
				PreConfig: func() {
					if err := env.client.DeleteCertificate(testContext(t), k.kind, env.zoneID, firstID); err != nil {
						t.Fatalf("delete outside Terraform: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
	})
}

// A certificate uploaded outside Terraform is imported; adding its key (in
// another encoding than was uploaded) plans an in-place update, never a
// replacement, and the update makes no API write.
func TestAccCertificate_importThenAddKeyPlansNoReplacement(t *testing.T) {
	t.Parallel()
	// Both kinds in one configuration, each with its own certificate.
	env := newTestEnv(t)
	var cfg string
	var imported []statecheck.StateCheck
	var toUpdate []plancheck.PlanCheck
	for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
		pair := testcerts.NewLeaf(t, testcerts.WithRSA(2048))
		addr := k.resourceType + ".test"
		uploaded, err := env.client.UploadCertificate(testContext(t), k.kind, env.zoneID, pair.CertPEM, testcerts.PKCS1(t, pair))
		if err != nil {
			t.Fatalf("upload outside Terraform: %v", err)
		}
		cfg += certBody(env, k, pair.CertPEM, "private_key", testcerts.PKCS8(t, pair), "") + fmt.Sprintf(`
import {
  to = %s
  id = "%s/%s"
}
`, addr, env.zoneID, uploaded.ID)
		toUpdate = append(toUpdate, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate))
		imported = append(imported, statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(uploaded.ID)))
	}
	cfg = env.config(cfg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: toUpdate},
				ConfigStateChecks: imported,
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
						if env.emu != nil && len(liveCertificates(env, k.kind)) != 1 {
							return fmt.Errorf("%s: want exactly the imported certificate, got %d", k.resourceType, len(liveCertificates(env, k.kind)))
						}
					}
					return nil
				},
			},
		},
	})
}

// A key that does not belong to the imported certificate is refused at plan time.
func TestAccCertificate_importedWithWrongKeyIsAnError(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair, other := testcerts.NewLeaf(t), testcerts.NewLeaf(t)
	uploaded, err := env.client.UploadCertificate(testContext(t), cfapi.ZoneCertificate, env.zoneID, pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: certConfig(env, zoneCertKind, pair.CertPEM, "private_key", other.KeyPEM, "") + fmt.Sprintf(`
import {
  to = cfaop_zone_certificate.test
  id = "%s/%s"
}
`, env.zoneID, uploaded.ID),
			ExpectError: wrapped(pemcert.SummaryKeyDoesNotMatchCertificate),
		}},
	})
}

// crlfIndented re-formats a PEM text the way an editor on another system
// might: CRLF line ends, indented lines, blank lines around it.
func crlfIndented(pemText string) string {
	return "\n\n" + strings.ReplaceAll(strings.ReplaceAll(pemText, "\n", "\r\n    "), "    -----END", "-----END") + "\r\n\r\n"
}

// sentOnlyReads fails when the emulator saw anything but GETs since its last reset.
func sentOnlyReads(env *testEnv) error {
	if env.emu == nil {
		return nil
	}
	for key, n := range env.emu.Counts() {
		if !strings.HasPrefix(key, "GET ") && n > 0 {
			return fmt.Errorf("a formatting change sent %d %s", n, key)
		}
	}
	return nil
}

// resetCounts starts a step's request count from zero.
func resetCounts(env *testEnv) func() {
	return func() {
		if env.emu != nil {
			env.emu.ResetCounts()
		}
	}
}

// CRLF line ends, indentation, trailing newlines and the key's PKCS#1 or
// PKCS#8 form are the same certificate and key: after apply, switching
// between them plans nothing, and state keeps the text first applied.
func TestAccCertificate_whitespaceVariantsPlanNothing(t *testing.T) {
	t.Parallel()
	// Both kinds in one configuration, each with its own certificate.
	env := newTestEnv(t)
	kinds := []certKindUnderTest{zoneCertKind, hostnameCertKind}
	var plain, variant, pkcs8 string
	var keptText []statecheck.StateCheck
	for _, k := range kinds {
		pair := testcerts.NewLeaf(t, testcerts.WithRSA(2048))
		addr := k.resourceType + ".test"
		pkcs1 := testcerts.PKCS1(t, pair)
		plain += certBody(env, k, pair.CertPEM, "private_key", pkcs1, "")
		variant += certBody(env, k, crlfIndented(pair.CertPEM), "private_key", strings.ReplaceAll(pkcs1, "\n", "\r\n")+"\n", "")
		pkcs8 += certBody(env, k, pair.CertPEM+"\n", "private_key", testcerts.PKCS8(t, pair), "")
		keptText = append(keptText,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("certificate"), knownvalue.StringExact(pair.CertPEM)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key"), knownvalue.StringExact(pkcs1)))
	}
	plain, variant, pkcs8 = env.config(plain), env.config(variant), env.config(pkcs8)
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: plain},
			{PreConfig: resetCounts(env), Config: variant, ConfigPlanChecks: empty, ConfigStateChecks: keptText,
				Check: func(*terraform.State) error { return sentOnlyReads(env) }},
			// Refresh reads the API's own PEM text: still nothing to do.
			{RefreshState: true},
			{Config: variant, ConfigPlanChecks: empty, ConfigStateChecks: keptText},
			{PreConfig: resetCounts(env), Config: pkcs8, ConfigPlanChecks: empty, ConfigStateChecks: keptText,
				Check: func(*terraform.State) error { return sentOnlyReads(env) }},
			{Config: plain, ConfigPlanChecks: empty},
		},
	})
}

// The same after an import: the certificate in state is Cloudflare's text,
// and the configuration's CRLF copy of it plans nothing. A key in state can
// only come from the configuration (Cloudflare never returns it), so the one
// update after import is private_key_wo_version going from null to its value,
// which sends nothing to Cloudflare.
func TestAccCertificate_lineEndingsAfterImportPlanNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair := testcerts.NewLeaf(t)
	k := zoneCertKind
	addr := k.resourceType + ".test"
	uploaded, err := env.client.UploadCertificate(testContext(t), k.kind, env.zoneID, pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatalf("upload outside Terraform: %v", err)
	}
	cfg := func(certPEM, keyPEM string) string {
		return certConfig(env, k, certPEM, "private_key_wo", keyPEM, "private_key_wo_version = 1") + fmt.Sprintf(`
import {
  to = %s
  id = "%s/%s"
}
`, addr, env.zoneID, uploaded.ID)
	}
	crlf := cfg(strings.ReplaceAll(pair.CertPEM, "\n", "\r\n"), strings.ReplaceAll(pair.KeyPEM, "\n", "\r\n"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				PreConfig: resetCounts(env),
				Config:    crlf,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("certificate"), knownvalue.StringExact(pair.CertPEM)),
				}},
				Check: func(*terraform.State) error { return sentOnlyReads(env) },
			},
			{Config: crlf, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				PreConfig:        resetCounts(env),
				Config:           cfg(crlfIndented(pair.CertPEM), pair.KeyPEM+"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            func(*terraform.State) error { return sentOnlyReads(env) },
			},
		},
	})
}

// A write-only key is never in plan or state, so its encoding cannot show
// as a change; the certificate beside it follows the same rule as above.
func TestAccCertificate_writeOnlyKeyEncodingPlansNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair := testcerts.NewLeaf(t, testcerts.WithRSA(2048))
	cfg := func(certPEM, keyPEM string) string {
		return certConfig(env, zoneCertKind, certPEM, "private_key_wo", keyPEM, "private_key_wo_version = 1")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{Config: cfg(pair.CertPEM, testcerts.PKCS1(t, pair))},
			{
				PreConfig:        resetCounts(env),
				Config:           cfg(strings.ReplaceAll(pair.CertPEM, "\n", "\r\n"), strings.ReplaceAll(testcerts.PKCS8(t, pair), "\n", "\r\n")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            func(*terraform.State) error { return sentOnlyReads(env) },
			},
		},
	})
}

// stateHasNoKeyMaterial fails when any part of the key appears in state.
type stateHasNoKeyMaterial struct{ keyPEM string }

func (c stateHasNoKeyMaterial) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	text := string(raw)
	if strings.Contains(text, "PRIVATE KEY") {
		resp.Error = fmt.Errorf("state contains a PEM private key header")
		return
	}
	for _, line := range strings.Split(c.keyPEM, "\n") {
		// Whole base64 lines: the key's public half also appears in the
		// certificate, but never on the same line boundaries.
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") && strings.Contains(text, line) {
			resp.Error = fmt.Errorf("state contains private key material")
			return
		}
	}
}

func TestAccCertificate_writeOnlyKeyNeverInState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair := testcerts.NewLeaf(t)
	next := testcerts.NewLeaf(t, testcerts.WithCN("next.example.com"))
	addr := "cfaop_zone_certificate.test"
	cfg := func(p testcerts.Pair, version int) string {
		return certConfig(env, zoneCertKind, p.CertPEM, "private_key_wo", p.KeyPEM, fmt.Sprintf("private_key_wo_version = %d", version))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg(pair, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					stateHasNoKeyMaterial{keyPEM: pair.KeyPEM},
				},
			},
			// Bumping the version with the same key changes nothing at Cloudflare.
			{
				Config: cfg(pair, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoKeyMaterial{keyPEM: pair.KeyPEM}},
			},
			// A new certificate with its key replaces the resource.
			{
				Config: cfg(next, 3),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(fingerprintOf(t, next))),
					stateHasNoKeyMaterial{keyPEM: next.KeyPEM},
				},
			},
		},
	})
}

// With create_before_destroy the new certificate is active before the old
// one is deleted.
func TestAccCertificate_rotationCreateBeforeDestroy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	env.emu.SetDelay(testStatusDelay)
	oldPair, newPair := testcerts.NewLeaf(t, testcerts.WithCN("old.example.com")), testcerts.NewLeaf(t, testcerts.WithCN("new.example.com"))
	addr := "cfaop_hostname_certificate.test"
	cbd := "lifecycle {\n    create_before_destroy = true\n  }"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: certConfig(env, hostnameCertKind, oldPair.CertPEM, "private_key", oldPair.KeyPEM, cbd)},
			{
				Config: certConfig(env, hostnameCertKind, newPair.CertPEM, "private_key", newPair.KeyPEM, cbd),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("sha256_fingerprint"), knownvalue.StringExact(fingerprintOf(t, newPair))),
					},
				},
				Check: func(*terraform.State) error {
					var oldCert, newCert *emulator.CertificateState
					for _, z := range env.emu.Snapshot().Zones {
						for i, c := range z.HostnameCertificates {
							switch {
							case pemcert.SemanticallyEqual(c.Certificate, oldPair.CertPEM):
								oldCert = &z.HostnameCertificates[i]
							case pemcert.SemanticallyEqual(c.Certificate, newPair.CertPEM):
								newCert = &z.HostnameCertificates[i]
							}
						}
					}
					if newCert == nil || newCert.Status != "active" {
						return fmt.Errorf("new certificate not active: %+v", newCert)
					}
					if oldCert != nil && oldCert.Status != "deleted" {
						return fmt.Errorf("old certificate not deleted: %+v", oldCert)
					}
					if oldCert != nil && oldCert.DeletionRequestedOn != nil {
						activeAt := newCert.UploadedOn.Add(testStatusDelay)
						if oldCert.DeletionRequestedOn.Before(activeAt) {
							return fmt.Errorf("old certificate deletion requested at %s, before the new one was active at %s", oldCert.DeletionRequestedOn, activeAt)
						}
					}
					return nil
				},
			},
		},
	})
}

// An upload whose answer is lost is reconciled: exactly one certificate.
func TestAccCertificate_lostResponseUploadsOnce(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]emulator.Fault{
		"5xx after apply":   {Method: "POST", PathContains: "origin_tls_client_auth", Status: 502, AfterApply: true, Times: 1},
		"reset after apply": {Method: "POST", PathContains: "origin_tls_client_auth", Reset: true, AfterApply: true, Times: 1},
		"5xx before apply":  {Method: "POST", PathContains: "origin_tls_client_auth", Status: 503, Times: 1},
	} {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			env.needsEmulator(t)
			env.emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{fault}})
			pair := testcerts.NewLeaf(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config: certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, ""),
					Check: func(*terraform.State) error {
						if n := len(liveCertificates(env, cfapi.HostnameCertificate)); n != 1 {
							return fmt.Errorf("emulator holds %d certificates, want exactly 1", n)
						}
						return nil
					},
				}},
			})
		})
	}
}

// An upload whose answer is lost is checked with a listing of the zone's
// certificates. A listing that fails beyond the client's retries is tried
// again; one that fails every time ends the apply with an error that says the
// certificate may be stored, and the next apply adopts it through the upload
// journal: one certificate at Cloudflare either way.
func TestAccCertificate_lostResponseCheckSurvivesFailedListings(t *testing.T) {
	t.Parallel()
	triesPerListing := defaultMaxRetries + 1
	for name, tc := range map[string]struct {
		failedListings int
		wantError      *regexp.Regexp
	}{
		"one check fails, the next finds it": {failedListings: triesPerListing + 1},
		"every check fails": {failedListings: uploadAttempts * triesPerListing,
			wantError: wrapped("Cloudflare may have stored the certificate: its answer to the upload was lost, and listing the zone's certificates to check failed too")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needsEmulator(t)
			// The listings fail only once the upload is stored, so that the
			// plan's own listing is not among them; the upload's answer
			// waits while they are armed.
			stored := make(chan emulator.FaultEvent, 1)
			env.emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{{Method: "POST", PathContains: "origin_tls_client_auth",
				Status: 502, AfterApply: true, Times: 1, Hang: time.Second, Notify: stored}}})
			go func() {
				select {
				case <-stored:
					env.emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{{Method: "GET", PathContains: "origin_tls_client_auth/hostnames/certificates",
						Status: 503, Times: tc.failedListings}}})
				case <-t.Context().Done(): // the upload never came
				}
			}()
			pair := testcerts.NewLeaf(t)
			config := certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, "")
			oneCertificate := func(*terraform.State) error {
				if n := len(liveCertificates(env, cfapi.HostnameCertificate)); n != 1 {
					return fmt.Errorf("emulator holds %d certificates, want exactly 1", n)
				}
				return nil
			}
			journal := t.TempDir()
			steps := []resource.TestStep{{Config: config, ExpectError: tc.wantError, Check: oneCertificate}}
			if tc.wantError != nil {
				// The next apply, by another terraform process, adopts what
				// the failed one stored.
				steps = append(steps, resource.TestStep{PreConfig: func() { handOverJournal(t, journal) }, Config: config, Check: oneCertificate})
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: journalFactories(journal), Steps: steps})
		})
	}
}

// A certificate already at Cloudflare that Terraform did not upload is an
// error that names it and the import command.
func TestAccCertificate_alreadyUploadedNamesImport(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair := testcerts.NewLeaf(t)
	existing, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, ""),
			ExpectError: wrapped(fmt.Sprintf("import {\n to = <this resource's address>\n id = \"%s/%s\"\n }", env.zoneID, existing.ID)),
		}},
	})
}
