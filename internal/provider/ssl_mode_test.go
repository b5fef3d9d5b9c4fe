package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const getSSL = "GET /zones/{zone_id}/settings/ssl"

// A zone in SSL/TLS mode Flexible presents no client certificate: plans that
// turn AOP on say so, naming the mode and the fix, and read the mode once
// per zone however many resources ask; a no-change plan does not read it.
// Warnings are not visible through terraform-plugin-testing, so this runs
// the CLI.
func TestAccSSLMode_flexibleWarnsOncePerZone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	tf := newTerraformCLI(t)
	if err := env.emu.SetSSLMode(env.zoneID, emulator.SSLFlexible); err != nil {
		t.Fatal(err)
	}
	pair := testcerts.NewLeaf(t)
	var b strings.Builder
	b.WriteString(providerRequirements + env.config(""))
	fmt.Fprintf(&b, `
resource "cfaop_global_setting" "this" {
  zone_id = %[1]q
  enabled = true
}

resource "cfaop_hostname_certificate" "app" {
  zone_id     = %[1]q
  certificate = %[2]q
  private_key = %[3]q
}

resource "cfaop_hostname_binding" "app" {
  count          = 5
  zone_id        = %[1]q
  hostname       = "h${count.index}.%[4]s"
  certificate_id = cfaop_hostname_certificate.app.id
}
`, env.zoneID, pair.CertPEM, pair.KeyPEM, env.zoneName)
	tf.writeFile("main.tf", b.String())

	const summary = "Warning: SSL/TLS Mode Disables Authenticated Origin Pulls"
	env.resetCounts()
	out := tf.mustRun(0, "plan", "-input=false", "-no-color")
	for _, want := range []string{summary, `Zone ` + env.zoneID + ` is in SSL/TLS mode "flexible"`, "Full (strict)", `setting_id = "ssl"`} {
		if !strings.Contains(out, want) {
			t.Fatalf("plan output lacks %q:\n%s", want, out)
		}
	}
	if n := env.count(getSSL); n != 1 {
		t.Fatalf("plan of 1 setting and 5 bindings read the SSL mode %d times, want once", n)
	}
	t.Logf("plan: %q, SSL mode read %d time(s)", firstLine(out, summary), env.count(getSSL))

	tf.mustRun(0, "apply", "-input=false", "-no-color", "-auto-approve")
	env.resetCounts()
	out = tf.mustRun(0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if strings.Contains(out, summary) || env.count(getSSL) != 0 {
		t.Fatalf("a no-change plan read the SSL mode %d times or warned:\n%s", env.count(getSSL), out)
	}
	t.Logf("no-change plan: SSL mode read %d times, requests %v", env.count(getSSL), env.countsSnapshot())

	// In Full mode a change plans without the warning.
	if err := env.emu.SetSSLMode(env.zoneID, emulator.SSLFull); err != nil {
		t.Fatal(err)
	}
	tf.writeFile("main.tf", strings.Replace(b.String(), "count          = 5", "count          = 6", 1))
	out = tf.mustRun(0, "plan", "-input=false", "-no-color")
	if strings.Contains(out, summary) || !strings.Contains(out, "1 to add") {
		t.Fatalf("plan in Full mode:\n%s", out)
	}
	tf.mustRun(0, "destroy", "-input=false", "-no-color", "-auto-approve")
}

func firstLine(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// A zone ID known only at apply (here from terraform_data) is checked when
// Terraform plans the resource again during the apply: the warning is in the
// apply's output.
func TestAccSSLMode_zoneKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	tf := newTerraformCLI(t)
	if err := env.emu.SetSSLMode(env.zoneID, emulator.SSLOff); err != nil {
		t.Fatal(err)
	}
	tf.writeFile("main.tf", providerRequirements+env.config("")+fmt.Sprintf(`
resource "terraform_data" "zone" {
  input = %q
}

resource "cfaop_zone_setting" "this" {
  zone_id = terraform_data.zone.output
  enabled = true
}
`, env.zoneID))
	const summary = "Warning: SSL/TLS Mode Disables Authenticated Origin Pulls"
	if out := tf.mustRun(0, "plan", "-input=false", "-no-color"); strings.Contains(out, summary) {
		t.Fatalf("the plan warned although the zone is not known yet:\n%s", out)
	}
	out := tf.mustRun(0, "apply", "-input=false", "-no-color", "-auto-approve")
	if !strings.Contains(out, summary) || !strings.Contains(out, `is in SSL/TLS mode "off"`) {
		t.Fatalf("the apply did not warn:\n%s", out)
	}
	t.Logf("apply: %s", firstLine(out, summary))
	tf.mustRun(0, "destroy", "-input=false", "-no-color", "-auto-approve")
}
