package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// scopedToken makes the test's emulator accept a new token with only perms
// and returns it.
func scopedToken(t *testing.T, env *testEnv, perms ...emulator.Permission) string {
	t.Helper()
	tok := emulator.NewToken()
	if err := env.emu.SetScopedToken(tok, perms...); err != nil {
		t.Fatal(err)
	}
	return tok
}

// withToken is env.config with another API token in the provider block.
func withToken(env *testEnv, token, body string) string {
	saved := env.token
	env.token = token
	defer func() { env.token = saved }()
	return env.config(body)
}

func needsPermission(p cfapi.Permission) *regexp.Regexp {
	return wrapped("this operation needs the API token permission " + string(p) + " for this zone")
}

// For each resource and data source: a token that lacks the permission the
// operation needs gets a diagnostic naming it, and a token with exactly the
// documented minimal permissions succeeds.
func TestAccTokenPermissions_perEntity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		config  func(env *testEnv, t *testing.T) string
		minimal []emulator.Permission
		lacking []emulator.Permission
		needs   cfapi.Permission
	}{
		{"global_setting", func(env *testEnv, _ *testing.T) string {
			return fmt.Sprintf("resource \"cfaop_global_setting\" \"test\" {\n  zone_id = %q\n  enabled = true\n}\n", env.zoneID)
		}, []emulator.Permission{emulator.PermZoneSettingsEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermZoneSettingsRead, emulator.PermSSLEdit, emulator.PermZoneRead}, cfapi.PermZoneSettingsEdit},
		{"zone_setting", func(env *testEnv, _ *testing.T) string {
			return fmt.Sprintf("resource \"cfaop_zone_setting\" \"test\" {\n  zone_id = %q\n  enabled = true\n}\n", env.zoneID)
		}, []emulator.Permission{emulator.PermSSLEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermSSLRead, emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLEdit},
		{"zone_certificate", func(env *testEnv, t *testing.T) string {
			p := testcerts.NewLeaf(t)
			return fmt.Sprintf("resource \"cfaop_zone_certificate\" \"test\" {\n  zone_id = %q\n  certificate = %q\n  private_key = %q\n}\n", env.zoneID, p.CertPEM, p.KeyPEM)
		}, []emulator.Permission{emulator.PermSSLEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermSSLRead, emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLEdit},
		{"hostname_certificate", func(env *testEnv, t *testing.T) string {
			p := testcerts.NewLeaf(t)
			return fmt.Sprintf("resource \"cfaop_hostname_certificate\" \"test\" {\n  zone_id = %q\n  certificate = %q\n  private_key = %q\n}\n", env.zoneID, p.CertPEM, p.KeyPEM)
		}, []emulator.Permission{emulator.PermSSLEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermSSLRead, emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLEdit},
		{"hostname_binding", func(env *testEnv, t *testing.T) string {
			// The certificate is uploaded with the main token, so only the
			// binding's own request meets the scoped token.
			p := testcerts.NewLeaf(t)
			c, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("resource \"cfaop_hostname_binding\" \"test\" {\n  zone_id = %q\n  hostname = \"app.%s\"\n  certificate_id = %q\n}\n", env.zoneID, env.zoneName, c.ID)
		}, []emulator.Permission{emulator.PermSSLEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermSSLRead, emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLEdit},
		{"hostname_bindings", func(env *testEnv, t *testing.T) string {
			p := testcerts.NewLeaf(t)
			c, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("resource \"cfaop_hostname_bindings\" \"test\" {\n  zone_id = %q\n  bindings = { \"bulk.%s\" = %q }\n}\n", env.zoneID, env.zoneName, c.ID)
		}, []emulator.Permission{emulator.PermSSLEdit, emulator.PermZoneRead},
			[]emulator.Permission{emulator.PermSSLRead, emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLEdit},
		{"hostname_deployment", func(env *testEnv, t *testing.T) string {
			// The certificate and the association are written with the main
			// token: the deployment only reads them.
			p := testcerts.NewLeaf(t)
			ctx := testContext(t)
			c, err := env.client.UploadCertificate(ctx, cfapi.HostnameCertificate, env.zoneID, p.CertPEM, p.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.client.PutBindings(ctx, env.zoneID, []cfapi.BindingChange{{Hostname: "deploy." + env.zoneName, CertID: c.ID, Enabled: true}}); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("resource \"cfaop_hostname_deployment\" \"test\" {\n  zone_id = %q\n  bindings = { \"deploy.%s\" = %q }\n}\n", env.zoneID, env.zoneName, c.ID)
		}, []emulator.Permission{emulator.PermSSLRead},
			[]emulator.Permission{emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLRead},
		{"certificate data sources", func(env *testEnv, t *testing.T) string {
			zc, hc := testcerts.NewLeaf(t), testcerts.NewLeaf(t)
			ctx := testContext(t)
			z, err := env.client.UploadCertificate(ctx, cfapi.ZoneCertificate, env.zoneID, zc.CertPEM, zc.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			h, err := env.client.UploadCertificate(ctx, cfapi.HostnameCertificate, env.zoneID, hc.CertPEM, hc.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.client.PutBindings(ctx, env.zoneID, []cfapi.BindingChange{{Hostname: "lookup." + env.zoneName, CertID: h.ID, Enabled: true}}); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf(`
data "cfaop_zone_certificates" "all" {
  zone_id = %[1]q
}
data "cfaop_hostname_certificates" "all" {
  zone_id = %[1]q
}
data "cfaop_zone_certificate" "one" {
  zone_id = %[1]q
  id      = %[2]q
}
data "cfaop_hostname_certificate" "one" {
  zone_id = %[1]q
  id      = %[3]q
}
data "cfaop_hostname_binding" "lookup" {
  zone_id  = %[1]q
  hostname = "lookup.%[4]s"
}
`, env.zoneID, z.ID, h.ID, env.zoneName)
		}, []emulator.Permission{emulator.PermSSLRead},
			[]emulator.Permission{emulator.PermZoneSettingsEdit, emulator.PermZoneRead}, cfapi.PermSSLRead},
	}
	// The entities that document the same minimal token share a test case,
	// and so Terraform's fixed costs: a step per entity with its lacking
	// token, then all of them at once with the minimal token (the hostnames
	// differ, so the entities do not meet). One provider configuration per
	// step: the in-process provider is one server for every alias.
	var groups [][]int
	byToken := map[string]int{}
	for i, tc := range cases {
		key := fmt.Sprint(tc.minimal)
		g, ok := byToken[key]
		if !ok {
			g = len(groups)
			byToken[key] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	for _, group := range groups {
		var names []string
		for _, i := range group {
			names = append(names, cases[i].name)
		}
		t.Run(strings.Join(names, ", "), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needsEmulator(t)
			var steps []resource.TestStep
			var all strings.Builder
			for _, i := range group {
				tc := cases[i]
				body := tc.config(env, t)
				t.Logf("step %d: %s with a token that lacks %s", len(steps)+1, tc.name, tc.needs)
				steps = append(steps, resource.TestStep{
					Config:      withToken(env, scopedToken(t, env, tc.lacking...), body),
					ExpectError: needsPermission(tc.needs),
				})
				all.WriteString(body)
			}
			// The destroy at the end runs with the minimal token too.
			steps = append(steps, resource.TestStep{Config: withToken(env, scopedToken(t, env, cases[group[0]].minimal...), all.String())})
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
		})
	}
}

// A read-only token (SSL and Certificates Read, Zone Settings Read) can run
// the plan of an applied configuration: the refresh reads everything and
// the plan is empty. (Its destroy, with the same token, fails with the
// diagnostics naming SSL and Certificates Edit and Zone Settings Edit.)
func TestAccTokenPermissions_readOnlyPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	zc, hc := testcerts.NewLeaf(t), testcerts.NewLeaf(t)
	body := fmt.Sprintf(`
resource "cfaop_global_setting" "test" {
  zone_id = %[1]q
  enabled = true
}
resource "cfaop_zone_setting" "test" {
  zone_id = %[1]q
  enabled = true
}
resource "cfaop_zone_certificate" "test" {
  zone_id     = %[1]q
  certificate = %[2]q
  private_key = %[3]q
}
resource "cfaop_hostname_certificate" "test" {
  zone_id     = %[1]q
  certificate = %[4]q
  private_key = %[5]q
}
resource "cfaop_hostname_binding" "test" {
  zone_id        = %[1]q
  hostname       = "app.%[6]s"
  certificate_id = cfaop_hostname_certificate.test.id
}
data "cfaop_hostname_certificates" "all" {
  zone_id    = %[1]q
  depends_on = [cfaop_hostname_certificate.test]
}
`, env.zoneID, zc.CertPEM, zc.KeyPEM, hc.CertPEM, hc.KeyPEM, env.zoneName)
	readOnly := scopedToken(t, env, emulator.PermSSLRead, emulator.PermZoneSettingsRead)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: env.config(body)},
			{Config: withToken(env, readOnly, body), PlanOnly: true},
			// Destroy runs with the last step's token: it needs Edit.
			{Config: env.config(body), PlanOnly: true},
		},
	})
}
