package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const providerRequirements = `
terraform {
  required_providers {
    cfaop = { source = "cfaop/cfaop" }
  }
}
`

// An existing AOP setup made outside Terraform is brought under management
// with import blocks alone: `plan -generate-config-out` writes valid
// configuration for every resource. Certificates need their private key added
// (Cloudflare never returns it); with it, the plan imports everything, only
// records the key, replaces nothing, and after apply the plan is empty.
func TestAccImport_generatedConfiguration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t) // it turns zone-wide settings on and leaves certificates behind
	tf := newTerraformCLI(t)
	tf.skipBelow(1, 11, "write-only attributes (private_key_wo) need")
	ctx := testContext(t)

	hostname := "app." + env.zoneName
	zoneCert, zonePair := uploadOutsideTerraform(t, env, cfapi.ZoneCertificate, testcerts.WithCN("zone."+env.zoneName))
	appCert, appPair := uploadOutsideTerraform(t, env, cfapi.HostnameCertificate, testcerts.WithCN(hostname))
	if _, err := env.client.PutBindings(ctx, env.zoneID, []cfapi.BindingChange{{Hostname: hostname, CertID: appCert.ID, Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.SetGlobalSetting(ctx, env.zoneID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.SetZoneSetting(ctx, env.zoneID, true); err != nil {
		t.Fatal(err)
	}

	imports := map[string]string{
		"cfaop_zone_certificate.zone":    env.zoneID + "/" + zoneCert.ID,
		"cfaop_hostname_certificate.app": env.zoneID + "/" + appCert.ID,
		"cfaop_hostname_binding.app":     env.zoneID + "/" + hostname,
		"cfaop_global_setting.this":      env.zoneID,
		"cfaop_zone_setting.this":        env.zoneID,
	}
	var blocks strings.Builder
	for to, id := range imports {
		fmt.Fprintf(&blocks, "import {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	tf.writeFile("main.tf", providerRequirements+env.config("")+blocks.String())

	// 1. Configuration generation. The certificates' generated blocks have no
	// key, which the provider reports; every other block is complete.
	out, code := tf.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	if code == 0 {
		t.Fatalf("plan with generated configuration succeeded, want the certificates' missing keys reported:\n%s", out)
	}
	errs := regexp.MustCompile(`(?m)^Error: (.*)$`).FindAllStringSubmatch(out, -1)
	if len(errs) != 2 || errs[0][1] != "Missing Private Key" || errs[1][1] != "Missing Private Key" {
		t.Fatalf("want exactly two Missing Private Key errors, got %v:\n%s", errs, out)
	}
	generated := tf.readFile("generated.tf")
	for _, want := range []struct{ typ, name, pattern string }{
		{"cfaop_zone_certificate", "zone", `zone_id\s+= "` + env.zoneID + `"`},
		{"cfaop_hostname_certificate", "app", `certificate\s+= "-----BEGIN CERTIFICATE-----`},
		{"cfaop_hostname_binding", "app", `certificate_id\s+= "` + appCert.ID + `"`},
		{"cfaop_hostname_binding", "app", `hostname\s+= "` + hostname + `"`},
		{"cfaop_global_setting", "this", `enabled\s+= true`},
		{"cfaop_zone_setting", "this", `enabled\s+= true`},
	} {
		if block := resourceBlock(t, generated, want.typ, want.name); !regexp.MustCompile(want.pattern).MatchString(block) {
			t.Errorf("generated %s.%s does not match %s:\n%s", want.typ, want.name, want.pattern, block)
		}
	}

	// 2. The user adds the keys: one certificate with private_key, the other
	// with the write-only private_key_wo.
	tf.writeFile("zone.key", zonePair.KeyPEM)
	tf.writeFile("app.key", appPair.KeyPEM)
	edited := generated
	edit := func(typ, name string, replacements ...string) {
		t.Helper()
		block := resourceBlock(t, edited, typ, name)
		changed := block
		for i := 0; i < len(replacements); i += 2 {
			re := regexp.MustCompile(`(?m)^(\s*` + replacements[i] + `\s*=\s*)null.*$`)
			if !re.MatchString(changed) {
				t.Fatalf("generated %s.%s has no %s = null:\n%s", typ, name, replacements[i], block)
			}
			changed = re.ReplaceAllString(changed, "${1}"+replacements[i+1])
		}
		edited = strings.Replace(edited, block, changed, 1)
	}
	edit("cfaop_zone_certificate", "zone", "private_key", `file("zone.key")`)
	edit("cfaop_hostname_certificate", "app", "private_key_wo", `file("app.key")`, "private_key_wo_version", "1")
	tf.writeFile("generated.tf", edited)
	tf.mustRun(0, "validate", "-no-color")

	// 3. The plan imports all five, replaces nothing, and changes only what
	// records the key.
	plan := tf.savedPlan()
	if len(plan.ResourceChanges) != len(imports) {
		t.Fatalf("want %d resource changes, got %d", len(imports), len(plan.ResourceChanges))
	}
	for _, rc := range plan.ResourceChanges {
		if _, ok := imports[rc.Address]; !ok {
			t.Errorf("unexpected resource change %s", rc.Address)
			continue
		}
		if len(rc.Change.Importing) == 0 || string(rc.Change.Importing) == "null" {
			t.Errorf("%s is not imported", rc.Address)
		}
		changed := changedAttributes(rc.Change.Before, rc.Change.After)
		slices.Sort(changed)
		var want []string
		wantActions := []string{"no-op"}
		switch rc.Address {
		case "cfaop_zone_certificate.zone":
			want, wantActions = []string{"private_key"}, []string{"update"}
		case "cfaop_hostname_certificate.app":
			want, wantActions = []string{"private_key_wo_version"}, []string{"update"}
		}
		if !slices.Equal(rc.Change.Actions, wantActions) || !slices.Equal(changed, want) {
			t.Errorf("%s: actions %v changing %v, want %v changing %v", rc.Address, rc.Change.Actions, changed, wantActions, want)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// 4. After apply, nothing is left to do and nothing was uploaded again.
	tf.mustRun(0, "apply", "-input=false", "-no-color", "tfplan")
	tf.mustRun(0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	for kind, id := range map[cfapi.CertificateKind]string{cfapi.ZoneCertificate: zoneCert.ID, cfapi.HostnameCertificate: appCert.ID} {
		live := liveCertificates(env, kind)
		if len(live) != 1 || live[0].ID != id {
			t.Errorf("%s: want only the imported certificate %s, got %v", kind, id, live)
		}
	}
}
