package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// notFound matches the Certificate Not Found error for a kind and ID.
func notFound(env *testEnv, kindName, id, more string) *regexp.Regexp {
	return regexp.MustCompile(wrapped("Certificate Not Found").String() + `.*` +
		wrapped(fmt.Sprintf("Zone %s has no %s with ID %s%s", env.zoneID, kindName, id, more)).String())
}

func TestAccCertificateDataSource_lookup(t *testing.T) {
	t.Parallel()
	for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
		t.Run(k.resourceType, func(t *testing.T) { testAccCertificateDataSourceLookup(t, k) })
	}
}

// One certificate is read by ID, whether uploaded outside Terraform or by a
// resource; a missing, deleted or other-kind ID is a clear error.
func testAccCertificateDataSourceLookup(t *testing.T, k certKindUnderTest) {
	env := newTestEnv(t)
	now := time.Now()
	outside, outsidePair := uploadOutsideTerraform(t, env, k.kind, testcerts.WithCN("outside.example.com"),
		testcerts.WithValidity(now.Add(-time.Hour), now.Add(45*24*time.Hour+12*time.Hour)))
	if env.emu == nil { // the real API deploys asynchronously; the emulator at once
		if _, err := defaultPollSchedule.waitFor(testContext(t), "the uploaded certificate to become active", func(ctx context.Context) (bool, string, error) {
			c, err := env.client.GetCertificate(ctx, k.kind, env.zoneID, outside.ID)
			return err == nil && c.Status == cfapi.StatusActive, c.Status, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	managed := testcerts.NewLeaf(t, testcerts.WithCN("managed.example.com"))
	other := hostnameCertKind
	if k == hostnameCertKind {
		other = zoneCertKind
	}
	addr := k.resourceType + ".test"
	lookup := func(dsType, name, id string) string {
		return fmt.Sprintf("\ndata %q %q {\n  zone_id = %q\n  id      = %s\n}\n", dsType, name, env.zoneID, id)
	}
	withResource := func(data string) string {
		return certConfig(env, k, managed.CertPEM, "private_key", managed.KeyPEM, "") + data
	}

	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data."+k.resourceType+".outside", tfjsonpath.New("zone_id"), knownvalue.StringExact(env.zoneID)),
	}
	for attr, check := range certificateItemChecks(t, outside, outsidePair, cfapi.StatusActive, 45) {
		checks = append(checks, statecheck.ExpectKnownValue("data."+k.resourceType+".outside", tfjsonpath.New(attr), check))
	}
	for _, attr := range []string{"id", "status", "issuer", "serial_number", "signature", "expires_on", "uploaded_on", "sha256_fingerprint"} {
		checks = append(checks, statecheck.CompareValuePairs(addr, tfjsonpath.New(attr), "data."+k.resourceType+".managed", tfjsonpath.New(attr), compare.ValuesSame()))
	}
	checks = append(checks, statecheck.ExpectKnownValue("data."+k.resourceType+".managed", tfjsonpath.New("expires_in_days"), knownvalue.Int64Exact(364)))

	missingID := "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
	steps := []resource.TestStep{
		{
			Config:            withResource(lookup(k.resourceType, "outside", fmt.Sprintf("%q", outside.ID)) + lookup(k.resourceType, "managed", addr+".id")),
			ConfigStateChecks: checks,
		},
		{
			Config:      withResource(lookup(k.resourceType, "missing", fmt.Sprintf("%q", missingID))),
			ExpectError: notFound(env, k.kind.String(), missingID, ""),
		},
		{
			Config:      withResource(lookup(other.resourceType, "other_kind", fmt.Sprintf("%q", outside.ID))),
			ExpectError: notFound(env, other.kind.String(), outside.ID, ""),
		},
		{
			Config: withResource(fmt.Sprintf("\ndata %q \"bad_zone\" {\n  zone_id = \"example.com\"\n  id      = %q\n}\n",
				k.resourceType, outside.ID)),
			ExpectError: wrapped("Invalid Zone ID"),
		},
	}
	if env.emu != nil {
		// A certificate being deleted is not found either, with its status said.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				env.emu.SetDelay(time.Hour) // stays pending_deletion throughout the step
				if err := env.client.DeleteCertificate(testContext(t), k.kind, env.zoneID, outside.ID); err != nil {
					t.Fatalf("delete outside Terraform: %v", err)
				}
				env.emu.SetDelay(0)
			},
			Config:      withResource(lookup(k.resourceType, "outside", fmt.Sprintf("%q", outside.ID))),
			ExpectError: notFound(env, k.kind.String(), outside.ID, ": it has been deleted (status pending_deletion)"),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps:                    steps,
	})
}
