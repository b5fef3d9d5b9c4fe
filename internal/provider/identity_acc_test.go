package provider

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// envTerraformNext names a Terraform CLI with resource identity (1.12+):
// the machine's terraform is older, so `make terraform-next` builds one from
// the Go module proxy and `make test` sets this.
const envTerraformNext = "CFAOP_TERRAFORM_NEXT"

// terraformNext returns that CLI. Without it the identity tests skip, except
// under `make test` (CFAOP_REQUIRE_ORIGINS set), where they fail.
func terraformNext(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	bin := os.Getenv(envTerraformNext)
	if bin == "" {
		if os.Getenv("CFAOP_REQUIRE_ORIGINS") != "" {
			t.Fatalf("resource identity needs Terraform 1.12+: run make terraform-next and set %s to the binary", envTerraformNext)
		}
		t.Skipf("resource identity needs Terraform 1.12+: set %s (make terraform-next builds it)", envTerraformNext)
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("%s=%s: %v (make terraform-next builds it)", envTerraformNext, bin, err)
	}
	return bin
}

// Each resource gets its identity on create, and each is imported again by
// an import block that names it by that identity; plugin-testing checks the
// imported identity is the same. Certificates import without their key
// (Cloudflare never returns it), so their import plans only record it.
func TestAccIdentity(t *testing.T) {
	// The test sets the CLI for plugin-testing, which reads it from the
	// environment: it cannot run in parallel.
	t.Setenv("TF_ACC_TERRAFORM_PATH", terraformNext(t))
	env := newTestEnv(t)
	env.needsEmulator(t) // it turns zone-wide settings on
	zonePair := testcerts.NewLeaf(t, testcerts.WithCN("zone.client.example.com"))
	appPair := testcerts.NewLeaf(t, testcerts.WithCN("app.client.example.com"))
	hostname := "app." + env.zoneName
	config := env.config(fmt.Sprintf(`
resource "cfaop_zone_certificate" "zone" {
  zone_id     = %[1]q
  certificate = %[2]q
  private_key = %[3]q
}

resource "cfaop_hostname_certificate" "app" {
  zone_id     = %[1]q
  certificate = %[4]q
  private_key = %[5]q
}

resource "cfaop_hostname_binding" "app" {
  zone_id        = %[1]q
  hostname       = %[6]q
  certificate_id = cfaop_hostname_certificate.app.id
}

resource "cfaop_hostname_deployment" "all" {
  zone_id  = %[1]q
  bindings = { (cfaop_hostname_binding.app.hostname) = cfaop_hostname_binding.app.certificate_id }
}

resource "cfaop_hostname_bindings" "more" {
  zone_id  = %[1]q
  bindings = { "api.${cfaop_hostname_binding.app.hostname}" = cfaop_hostname_certificate.app.id }
}

resource "cfaop_global_setting" "this" {
  zone_id = %[1]q
  enabled = true
}

resource "cfaop_zone_setting" "this" {
  zone_id    = %[1]q
  enabled    = true
  depends_on = [cfaop_zone_certificate.zone]
}
`, env.zoneID, zonePair.CertPEM, zonePair.KeyPEM, appPair.CertPEM, appPair.KeyPEM, hostname))

	zone := knownvalue.StringExact(env.zoneID)
	uuid := knownvalue.StringFunc(func(v string) error {
		if !cfapi.IsCertificateID(v) {
			return fmt.Errorf("%q is not a certificate ID", v)
		}
		return nil
	})
	identities := map[string]map[string]knownvalue.Check{
		"cfaop_zone_certificate.zone":    {"zone_id": zone, "id": uuid},
		"cfaop_hostname_certificate.app": {"zone_id": zone, "id": uuid},
		"cfaop_hostname_binding.app":     {"zone_id": zone, "hostname": knownvalue.StringExact(hostname)},
		"cfaop_hostname_deployment.all":  {"zone_id": zone},
		"cfaop_hostname_bindings.more":   {"zone_id": zone},
		"cfaop_global_setting.this":      {"zone_id": zone},
		"cfaop_zone_setting.this":        {"zone_id": zone},
	}
	var created []statecheck.StateCheck
	for addr, want := range identities {
		created = append(created, statecheck.ExpectIdentity(addr, want))
	}
	steps := []resource.TestStep{{Config: config, ConfigStateChecks: created}}
	for _, addr := range []string{
		"cfaop_zone_certificate.zone", "cfaop_hostname_certificate.app", "cfaop_hostname_binding.app",
		"cfaop_hostname_deployment.all", "cfaop_hostname_bindings.more", "cfaop_global_setting.this", "cfaop_zone_setting.this",
	} {
		step := resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}
		if addr == "cfaop_zone_certificate.zone" || addr == "cfaop_hostname_certificate.app" {
			step.ExpectNonEmptyPlan = true
			step.ImportPlanChecks.PreApply = []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}
		}
		if addr == "cfaop_hostname_deployment.all" || addr == "cfaop_hostname_bindings.more" {
			// The zone names no hostnames: the import plans the configured
			// ones, a change that waits (deployment) or rewrites them as they are.
			step.ExpectNonEmptyPlan = true
			step.ImportPlanChecks.PreApply = []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}
		}
		steps = append(steps, step)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps:                    steps,
	})
}
