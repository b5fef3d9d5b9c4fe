package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// A status poll that fails with 5xx even after the client's retries says
// nothing about the certificate just uploaded: the wait polls again instead
// of failing the create. Failing it used to taint a good certificate, and
// with create_before_destroy its replacement could never be uploaded
// (Cloudflare refuses the same certificate twice), so the fault suite could
// not converge.
func TestAccCertificate_failedStatusPollDoesNotTaint(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	pair := testcerts.NewLeaf(t)
	addr := hostnameCertKind.resourceType + ".test"
	cbd := "lifecycle {\n    create_before_destroy = true\n  }"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// One whole poll: the request and the client's 4 retries.
				env.emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{
					{Method: "GET", PathContains: "/hostnames/certificates/", Status: 503, Times: 1 + defaultMaxRetries},
				}})
			},
			Config: certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, cbd),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
			Check: func(*terraform.State) error {
				if n := env.emu.InjectedFaults()["503 before apply"]; n != 1+defaultMaxRetries {
					return fmt.Errorf("%d polls failed, want %d: the fault did not cover a whole poll", n, 1+defaultMaxRetries)
				}
				if n := len(liveCertificates(env, cfapi.HostnameCertificate)); n != 1 {
					return fmt.Errorf("%d certificates, want 1", n)
				}
				return nil
			},
		}},
	})
}
