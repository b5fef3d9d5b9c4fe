package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The migration guide end to end: a state written by the official Cloudflare
// provider v5 (built here by hand, as that provider cannot be downloaded)
// moves to cfaop resources with moved blocks. The plan replaces nothing and
// changes only what the configuration changes on purpose (the hostname
// certificate's key becomes write-only); after apply the plan is empty and
// nothing was uploaded again.
func TestAccMoveState_fromCloudflareProviderState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t) // it turns zone-level AOP on and leaves certificates behind
	tf := newTerraformCLI(t, "cloudflare/cloudflare")
	tf.skipBelow(1, 11, "write-only attributes (private_key_wo) need; moved blocks across resource types need 1.8")
	ctx := testContext(t)

	hostname := "app." + env.zoneName
	zoneCert, zonePair := uploadOutsideTerraform(t, env, cfapi.ZoneCertificate, testcerts.WithCN("zone."+env.zoneName))
	appCert, appPair := uploadOutsideTerraform(t, env, cfapi.HostnameCertificate, testcerts.WithCN(hostname))
	if _, err := env.client.PutBindings(ctx, env.zoneID, []cfapi.BindingChange{{Hostname: hostname, CertID: appCert.ID, Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.SetZoneSetting(ctx, env.zoneID, true); err != nil {
		t.Fatal(err)
	}

	// The official provider's state of the same objects.
	now := time.Now().UTC().Format(time.RFC3339)
	instance := func(typ, name string, schemaVersion int, attrs map[string]any) map[string]any {
		return map[string]any{
			"mode": "managed", "type": typ, "name": name,
			"provider": fmt.Sprintf(`provider["%s/cloudflare/cloudflare"]`, tf.host),
			"instances": []any{map[string]any{
				"schema_version": schemaVersion, "attributes": attrs,
				"sensitive_attributes": []any{}, "identity_schema_version": 0,
			}},
		}
	}
	state := map[string]any{
		"version": 4, "terraform_version": "1.11.4", "serial": 1,
		"lineage": "6f1d4b8e-2f0a-4c55-9d1e-7a3c5b9e0f21", "outputs": map[string]any{},
		"resources": []any{
			instance("cloudflare_authenticated_origin_pulls_certificate", "zone", 0, map[string]any{
				"id": zoneCert.ID, "zone_id": env.zoneID, "certificate_id": nil, "certificate": zonePair.CertPEM,
				"private_key": zonePair.KeyPEM, "enabled": true, "status": "active", "issuer": "", "signature": "",
				"expires_on": zonePair.Cert.NotAfter.UTC().Format(time.RFC3339), "uploaded_on": now,
			}),
			instance("cloudflare_authenticated_origin_pulls_hostname_certificate", "app", 500, map[string]any{
				"id": appCert.ID, "zone_id": env.zoneID, "certificate": appPair.CertPEM, "private_key": appPair.KeyPEM,
				"status": "active", "issuer": "", "serial_number": appPair.Cert.SerialNumber.String(), "signature": "",
				"expires_on": appPair.Cert.NotAfter.UTC().Format(time.RFC3339), "uploaded_on": now,
			}),
			instance("cloudflare_authenticated_origin_pulls", "app", 0, map[string]any{
				"id": hostname, "zone_id": env.zoneID, "hostname": hostname,
				"config":  []any{map[string]any{"cert_id": appCert.ID, "enabled": true, "hostname": hostname}},
				"cert_id": appCert.ID, "cert_status": "active", "enabled": true, "status": "active",
				"created_at": now, "updated_at": now, "expires_on": appPair.Cert.NotAfter.UTC().Format(time.RFC3339),
			}),
			instance("cloudflare_authenticated_origin_pulls_settings", "zone", 1, map[string]any{
				"id": env.zoneID, "zone_id": env.zoneID, "enabled": true,
			}),
		},
	}
	raw, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	tf.writeFile("terraform.tfstate", string(raw))
	tf.writeFile("zone.pem", zonePair.CertPEM)
	tf.writeFile("zone.key", zonePair.KeyPEM)
	tf.writeFile("app.pem", appPair.CertPEM)
	tf.writeFile("app.key", appPair.KeyPEM)
	tf.writeFile("main.tf", providerRequirements+env.config(fmt.Sprintf(`
moved {
  from = cloudflare_authenticated_origin_pulls_certificate.zone
  to   = cfaop_zone_certificate.zone
}

moved {
  from = cloudflare_authenticated_origin_pulls_hostname_certificate.app
  to   = cfaop_hostname_certificate.app
}

moved {
  from = cloudflare_authenticated_origin_pulls.app
  to   = cfaop_hostname_binding.app
}

moved {
  from = cloudflare_authenticated_origin_pulls_settings.zone
  to   = cfaop_zone_setting.this
}

resource "cfaop_zone_certificate" "zone" {
  zone_id     = %[1]q
  certificate = file("zone.pem")
  private_key = file("zone.key") # as before the move: no change
}

resource "cfaop_hostname_certificate" "app" {
  zone_id                = %[1]q
  certificate            = file("app.pem")
  private_key_wo         = file("app.key") # out of state from now on
  private_key_wo_version = 1
}

resource "cfaop_hostname_binding" "app" {
  zone_id        = %[1]q
  hostname       = %[2]q
  certificate_id = cfaop_hostname_certificate.app.id
}

resource "cfaop_zone_setting" "this" {
  zone_id = %[1]q
  enabled = true
}
`, env.zoneID, hostname)))

	plan := tf.savedPlan()
	want := map[string]struct {
		from    string
		actions []string
		changed []string
	}{
		"cfaop_zone_certificate.zone":    {"cloudflare_authenticated_origin_pulls_certificate.zone", []string{"no-op"}, nil},
		"cfaop_hostname_certificate.app": {"cloudflare_authenticated_origin_pulls_hostname_certificate.app", []string{"update"}, []string{"private_key", "private_key_wo_version"}},
		"cfaop_hostname_binding.app":     {"cloudflare_authenticated_origin_pulls.app", []string{"no-op"}, nil},
		"cfaop_zone_setting.this":        {"cloudflare_authenticated_origin_pulls_settings.zone", []string{"no-op"}, nil},
	}
	if len(plan.ResourceChanges) != len(want) {
		t.Fatalf("want %d resource changes, got %d: %+v", len(want), len(plan.ResourceChanges), plan.ResourceChanges)
	}
	for _, rc := range plan.ResourceChanges {
		w, ok := want[rc.Address]
		if !ok {
			t.Errorf("unexpected resource change %s %v", rc.Address, rc.Change.Actions)
			continue
		}
		changed := changedAttributes(rc.Change.Before, rc.Change.After)
		slices.Sort(changed)
		if rc.PreviousAddress != w.from || !slices.Equal(rc.Change.Actions, w.actions) || !slices.Equal(changed, w.changed) {
			t.Errorf("%s: moved from %q, actions %v changing %v; want from %q, %v changing %v",
				rc.Address, rc.PreviousAddress, rc.Change.Actions, changed, w.from, w.actions, w.changed)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	tf.mustRun(0, "apply", "-input=false", "-no-color", "tfplan")
	tf.mustRun(0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	for kind, id := range map[cfapi.CertificateKind]string{cfapi.ZoneCertificate: zoneCert.ID, cfapi.HostnameCertificate: appCert.ID} {
		live := liveCertificates(env, kind)
		if len(live) != 1 || live[0].ID != id {
			t.Errorf("%s: want only the moved certificate %s, got %v", kind, id, live)
		}
	}
}
