package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The mistakes of issue #13 that used to surface at apply, after part of the
// change was made, or with advice that did not fit: each is now refused with
// its own diagnostic before anything is written. The Terraform CLI runs them
// (terraform-plugin-testing does not show a matched error), so every
// diagnostic is logged for the record.
func TestAccPlanChecks(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the provider and runs the Terraform CLI")
	}
	probe := newTestEnv(t) // skips without TF_ACC
	probe.needsEmulator(t)
	cli := newTerraformCLI(t)

	// setup prepares one scenario: its own emulator and working directory,
	// so the scenarios run in parallel.
	setup := func(t *testing.T) (*testEnv, *terraformCLI) {
		env := newTestEnv(t)
		tf := *cli
		tf.t, tf.dir = t, t.TempDir()
		tf.env = append([]string{}, cli.env...)
		return env, &tf
	}
	hostCert := func(name, zoneID string, pair testcerts.Pair) string {
		return fmt.Sprintf("resource \"cfaop_hostname_certificate\" %q {\n  zone_id     = %q\n  certificate = %q\n  private_key = %q\n}\n",
			name, zoneID, pair.CertPEM, pair.KeyPEM)
	}

	t.Run("eleventh hostname certificate in a zone", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		for i := range 9 {
			p := testcerts.NewLeaf(t)
			if _, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM); err != nil {
				t.Fatalf("upload %d: %v", i, err)
			}
		}
		one := hostCert("a", env.zoneID, testcerts.NewLeaf(t))
		two := hostCert("b", env.zoneID, testcerts.NewLeaf(t))
		// The tenth fits: no error.
		tf.writeFile("main.tf", providerRequirements+env.config(one))
		tf.mustRun(0, "plan", "-input=false", "-no-color")
		tf.writeFile("main.tf", providerRequirements+env.config(one+two))
		out := planFails(t, env, tf, "Too Many Hostname Certificates In Zone",
			"Zone "+env.zoneID+" would hold 11 hostname certificates: 9 exist at Cloudflare and this run uploads 2 (this one included).",
			"Cloudflare allows at most 10 per zone", "Deletions planned in the same run are not counted")
		if n := strings.Count(out, "Error: "); n != 1 {
			t.Errorf("want one error, got %d", n)
		}
	})

	t.Run("hundred and first hostname on one certificate", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		p := testcerts.NewLeaf(t)
		cert, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		bindings := func(n int) string {
			return fmt.Sprintf("resource \"cfaop_hostname_binding\" \"h\" {\n  count          = %d\n  zone_id        = %q\n"+
				"  hostname       = \"h${count.index}.%s\"\n  certificate_id = %q\n}\n", n, env.zoneID, env.zoneName, cert.ID)
		}
		tf.writeFile("main.tf", providerRequirements+env.config(bindings(100)))
		tf.mustRun(0, "plan", "-input=false", "-no-color")
		tf.writeFile("main.tf", providerRequirements+env.config(bindings(101)))
		out := planFails(t, env, tf, "Too Many Hostnames On One Certificate",
			"Hostname certificate "+cert.ID+" would be bound to 101 hostnames after this plan, but Cloudflare allows at most 100",
			"bindings made outside this configuration are not known to Terraform and not counted")
		if n := strings.Count(out, "Error: "); n != 1 {
			t.Errorf("want one error, got %d", n)
		}
	})

	t.Run("hostname outside the zone", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		cert := hostCert("a", env.zoneID, testcerts.NewLeaf(t))
		tf.writeFile("main.tf", providerRequirements+env.config(cert+fmt.Sprintf(
			"resource \"cfaop_hostname_binding\" \"app\" {\n  zone_id        = %q\n  hostname       = \"app.example.org\"\n  certificate_id = cfaop_hostname_certificate.a.id\n}\n", env.zoneID)))
		planFails(t, env, tf, "Hostname Outside The Zone",
			"app.example.org is not in zone example.com (ID "+env.zoneID+")", "set zone_id to the zone that holds app.example.org")
	})

	t.Run("zone ID that does not exist", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		const missing = "0123456789abcdef0123456789abcdef"
		tf.writeFile("main.tf", providerRequirements+env.config(hostCert("a", missing, testcerts.NewLeaf(t))+hostCert("b", missing, testcerts.NewLeaf(t))))
		out := planFails(t, env, tf, "Zone Not Found", "Cloudflare has no zone with ID "+missing+" that these credentials can see",
			"Cloudflare said: HTTP 404, 7003")
		if n := strings.Count(out, "Error: "); n != 1 {
			t.Errorf("two resources in one missing zone: want one error, got %d", n)
		}
		if n := env.count("GET /zones/{zone_id}"); n != 1 {
			t.Errorf("zone reads: %d, want 1 per zone and run", n)
		}
	})

	t.Run("credentials Cloudflare refuses, on twelve resources", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		cfg := ""
		for i := range 6 { // six of each kind: a zone holds at most 10 hostname certificates
			cfg += hostCert(fmt.Sprintf("h%d", i), env.zoneID, testcerts.NewLeaf(t))
			cfg += strings.Replace(hostCert(fmt.Sprintf("z%d", i), env.zoneID, testcerts.NewLeaf(t)), "cfaop_hostname_certificate", "cfaop_zone_certificate", 1)
		}
		// The token comes from the environment here, and the diagnostic says so.
		body := strings.Replace(env.config(cfg), fmt.Sprintf("api_token     = %q\n", env.token), "", 1)
		tf.env = append(tf.env, cfapi.EnvAPIToken+"=not-the-token-but-one-of-the-right-length-0")
		tf.writeFile("main.tf", providerRequirements+body)
		out := planFails(t, env, tf, "Cloudflare Refused The Credentials", "Cloudflare refused the credentials from CLOUDFLARE_API_TOKEN",
			"Cloudflare said: HTTP 403, 10000 Authentication error")
		if n := strings.Count(out, "Error: "); n != 1 {
			t.Errorf("want one error for twelve resources, got %d", n)
		}

		// Refresh of twelve resources in state: one error, not twelve.
		tf.env[len(tf.env)-1] = cfapi.EnvAPIToken + "=" + env.token
		tf.mustRun(0, "apply", "-input=false", "-no-color", "-auto-approve")
		tf.env[len(tf.env)-1] = cfapi.EnvAPIToken + "=not-the-token-but-one-of-the-right-length-0"
		out = planFails(t, env, tf, "Cloudflare Refused The Credentials", "Cloudflare refused the credentials from CLOUDFLARE_API_TOKEN")
		if n := strings.Count(out, "Error: "); n != 1 {
			t.Errorf("refresh of twelve resources: %d errors, want 1", n)
		}
		if strings.Contains(out, "Cloudflare API returned") {
			t.Error("a raw API error block is still printed besides the diagnostic")
		}
	})

	t.Run("binding to a certificate of another zone, then destroy", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		otherZone := env.emu.ZoneID("other.example.net")
		cfg := hostCert("other", otherZone, testcerts.NewLeaf(t)) + fmt.Sprintf(
			"resource \"cfaop_hostname_binding\" \"app\" {\n  zone_id        = %q\n  hostname       = \"app.%s\"\n  certificate_id = cfaop_hostname_certificate.other.id\n}\n",
			env.zoneID, env.zoneName)
		tf.writeFile("main.tf", providerRequirements+env.config(cfg))
		env.resetCounts()
		out, code := tf.run("apply", "-input=false", "-no-color", "-auto-approve")
		logDiagnostics(t, "apply", out)
		if code == 0 || !wrapped("Error: Certificate Belongs To Another Zone").MatchString(out) ||
			!wrapped("belongs to zone "+otherZone+", but this binding is in zone "+env.zoneID+" (example.com)").MatchString(out) {
			t.Fatalf("apply: exit %d, want the binding refused before it is written", code)
		}
		if n := env.count("PUT /zones/{zone_id}/origin_tls_client_auth/hostnames"); n != 0 {
			t.Errorf("the refused binding was sent: %d binding PUTs", n)
		}
		// With the certificate in state, the plan warns instead of failing,
		// so that destroy (which plans the configuration first) still works.
		out = tf.mustRun(0, "plan", "-input=false", "-no-color")
		logDiagnostics(t, "plan", out)
		if !wrapped("Warning: Certificate Belongs To Another Zone").MatchString(out) || !wrapped("Applying this plan stops before writing this binding").MatchString(out) {
			t.Errorf("plan: want the warning")
		}
		out = tf.mustRun(0, "destroy", "-input=false", "-no-color", "-auto-approve")
		if !strings.Contains(out, "Destroy complete! Resources: 1 destroyed.") {
			t.Errorf("destroy:\n%s", out)
		}
	})

	t.Run("ephemeral key variable not set", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		tf.skipBelow(1, 11, "write-only attributes")
		p := testcerts.NewLeaf(t)
		tf.writeFile("main.tf", providerRequirements+env.config(fmt.Sprintf(`
variable "private_key" {
  type      = string
  ephemeral = true
  sensitive = true
  default   = null
}

resource "cfaop_hostname_certificate" "app" {
  zone_id                = %q
  certificate            = %q
  private_key_wo         = var.private_key
  private_key_wo_version = 1
}
`, env.zoneID, p.CertPEM)))
		out := planFails(t, env, tf, "Private Key Value Is Null", "private_key_wo is null: either it is not set, or the expression it is set to evaluated to null.",
			"ephemeral variables must be given again when a saved plan is applied", `TF_VAR_private_key="$(cat client.key)"`)
		if strings.Contains(out, "must be configured together") {
			t.Error("the misleading RequiredTogether message is still given")
		}
		// The advice works: with the variable given, the plan succeeds.
		tf.env = append(tf.env, "TF_VAR_private_key="+p.KeyPEM)
		tf.mustRun(0, "plan", "-input=false", "-no-color")
	})

	t.Run("upper-case zone ID", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		upper := strings.ToUpper(env.zoneID)
		tf.writeFile("main.tf", providerRequirements+env.config(hostCert("a", upper, testcerts.NewLeaf(t))))
		planFails(t, env, tf, "Zone ID Must Be Lower Case", "zone_id must be written in lower case",
			fmt.Sprintf("It is the same ID, so just lower-case it: %q", env.zoneID))
	})

	t.Run("certificate already uploaded, and the import advice", func(t *testing.T) {
		t.Parallel()
		env, tf := setup(t)
		p := testcerts.NewLeaf(t)
		existing, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		cfg := hostCert("app", env.zoneID, p)
		tf.writeFile("main.tf", providerRequirements+env.config(cfg))
		importID := env.zoneID + "/" + existing.ID
		planFails(t, env, tf, "Certificate Already Uploaded", "It is certificate "+existing.ID,
			fmt.Sprintf("import {\n to = <this resource's address>\n id = %q\n }", importID),
			"terraform import '<this resource's address>' "+importID, "Found at plan time")
		// Following the advice works.
		tf.writeFile("main.tf", providerRequirements+env.config(cfg)+fmt.Sprintf("import {\n  to = cfaop_hostname_certificate.app\n  id = %q\n}\n", importID))
		tf.mustRun(0, "apply", "-input=false", "-no-color", "-auto-approve")
		tf.mustRun(0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	})
}

// planFails runs a plan that must fail with the given diagnostic (summary,
// then fragments of the detail) and must write nothing.
func planFails(t *testing.T, env *testEnv, tf *terraformCLI, summary string, fragments ...string) string {
	t.Helper()
	env.resetCounts()
	out, code := tf.run("plan", "-input=false", "-no-color")
	logDiagnostics(t, "plan", out)
	if code == 0 {
		t.Fatalf("plan succeeded, want %q", summary)
	}
	if want := diagnosticPattern(append([]string{"Error: " + summary}, fragments...)); !want.MatchString(out) {
		t.Errorf("plan output does not match %s:\n%s", want, out)
	}
	if writes := writeRequests(env); len(writes) > 0 {
		t.Errorf("the refused plan wrote: %v", writes)
	}
	return out
}

// writeRequests lists the emulator's counted requests other than GET.
func writeRequests(env *testEnv) map[string]int {
	out := map[string]int{}
	for key, n := range env.countsSnapshot() {
		if method := strings.Fields(key)[0]; method != http.MethodGet && method != http.MethodHead {
			out[key] = n
		}
	}
	return out
}

// logDiagnostics logs the diagnostics of a CLI run, for the record.
func logDiagnostics(t *testing.T, command, out string) {
	t.Helper()
	out = regexp.MustCompile(`(?s)Warning: Provider development overrides are in effect.*?releases\.\n`).ReplaceAllString(out, "")
	if i := regexp.MustCompile(`(?m)^(Error|Warning): `).FindStringIndex(out); i != nil {
		t.Logf("terraform %s:\n%s", command, strings.TrimSpace(out[i[0]:]))
	}
}
