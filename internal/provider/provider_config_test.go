package provider

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

func TestAccProvider_configErrors(t *testing.T) {
	env := newTestEnv(t)
	env.needsEmulator(t)
	for _, v := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CFAOP_MAX_RETRIES", "CFAOP_MAX_BACKOFF"} {
		t.Setenv(v, "")
	}
	ds := fmt.Sprintf("data \"cfaop_zone_ssl_mode\" \"test\" {\n  zone_id = %q\n}\n", env.zoneID)
	cases := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{"no credentials", fmt.Sprintf("provider \"cfaop\" {\n  base_url = %q\n}\n", env.baseURL),
			wrapped("data source cfaop_zone_ssl_mode reads or changes Cloudflare's API and needs credentials, but the provider has none. " +
				"Set the environment variable CLOUDFLARE_API_TOKEN")},
		{"key without email", `provider "cfaop" { api_key = "0123456789abcdef0123456789abcdef01234" }`,
			wrapped("api_key and email must be set together")},
		{"base url without scheme", `provider "cfaop" {
  api_token = "cfaop-test-token-00000000000000000000000"
  base_url  = "api.cloudflare.com"
}`, wrapped("must start with https:// (or http:// for a local emulator)")},
		{"bad backoff", `provider "cfaop" {
  api_token   = "cfaop-test-token-00000000000000000000000"
  max_backoff = "soon"
}`, wrapped("max_backoff must be a positive duration such as 30s or 2m")},
		{"retries out of range", `provider "cfaop" {
  api_token   = "cfaop-test-token-00000000000000000000000"
  max_retries = 99
}`, wrapped("value must be between 0 and 20")},
	}
	// One step each, in one test.
	steps := make([]resource.TestStep, len(cases))
	for i, tc := range cases {
		steps[i] = resource.TestStep{Config: tc.provider + "\n" + ds, ExpectError: tc.want}
		t.Logf("step %d: %s", i+1, tc.name)
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})

	// What Cloudflare publishes needs no credentials: an origin-side
	// configuration reads the CA to trust and the IP ranges to allow
	// without holding a token, and sends none.
	t.Run("published data without credentials", func(t *testing.T) {
		env.emu.ResetCounts()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: env.factories(),
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "cfaop" {
  base_url      = %q
  global_ca_url = %q
}
data "cfaop_global_ca" "test" {}
data "cfaop_ip_ranges" "test" {}
`, env.baseURL, env.caURL),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("data.cfaop_global_ca.test", "pem"),
					resource.TestCheckResourceAttrSet("data.cfaop_ip_ranges.test", "ipv4_cidrs.0"),
					func(*terraform.State) error {
						for key, n := range env.emu.Counts() {
							if key != "GET /ips" && key != "GET "+emulator.CAPath {
								return fmt.Errorf("%d requests %s, want only the IP ranges and the CA", n, key)
							}
						}
						return nil
					},
				),
			}},
		})
	})
}

// A wrong token is refused by the plan's one credential check, before
// anything is written, with Cloudflare's auth error in the diagnostic.
func TestAccProvider_wrongToken(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	env.token = "not-the-token-but-one-of-the-right-length-0"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "cfaop_zone_setting" "test" {
  zone_id = "` + env.zoneID + `"
  enabled = true
}
`),
			ExpectError: regexp.MustCompile(`(?s)Cloudflare refused the credentials from api_token.*Terraform wrote nothing.*HTTP 403, 10000 Authentication error`),
		}},
	})
}

// protoObject builds a configuration of schema s at the protocol level:
// the given string attributes set, every other attribute null.
func protoObject(t *testing.T, s *tfprotov6.Schema, values map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	typ := s.ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
		if v, ok := values[name]; ok {
			attrs[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// diagnosticsText joins every diagnostic with the attribute it names.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%v %s: %s [%v]\n", d.Severity, d.Summary, d.Detail, d.Attribute)
	}
	return b.String()
}

// wantAttributeError checks that diags hold an error on attr saying every
// fragment, and that the password appears nowhere in them.
func wantAttributeError(t *testing.T, what string, diags []*tfprotov6.Diagnostic, attr string, fragments ...string) {
	t.Helper()
	all := diagnosticsText(diags)
	if strings.Contains(all, urlPassword) {
		t.Errorf("%s: a diagnostic shows the password:\n%s", what, all)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(attr)) {
			for _, f := range fragments {
				if !strings.Contains(d.Summary+" "+d.Detail, f) {
					t.Errorf("%s: the error on %s does not say %q:\n%s", what, attr, f, all)
				}
			}
			return
		}
	}
	t.Errorf("%s: no error on %s:\n%s", what, attr, all)
}

const urlPassword = "hunter2-url-password"

// base_url and global_ca_url (and their environment variables) are refused
// when they hold user info or use plain http for a host that is not
// loopback, with an error on the attribute that never shows the password,
// neither in a diagnostic nor in a log line; loopback http still works.
func TestProviderConfig_userInfoAndPlainHTTP(t *testing.T) {
	for _, v := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", envGlobalCAURL} {
		t.Setenv(v, "")
	}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	server := unconfiguredServer(t)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	configure := func(values map[string]string) []*tfprotov6.Diagnostic {
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: protoObject(t, schemas.Provider, values)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}

	withInfo := "http://admin:" + urlPassword + "@127.0.0.1:8787/ssl/static/authenticated_origin_pull_ca.pem"
	validated, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: protoObject(t, schemas.Provider, map[string]string{"global_ca_url": withInfo})})
	if err != nil {
		t.Fatal(err)
	}
	wantAttributeError(t, "global_ca_url at validation", validated.Diagnostics, "global_ca_url", "Invalid Origin-Pull CA URL",
		`"http://127.0.0.1:8787/ssl/static/authenticated_origin_pull_ca.pem" contains user info`)

	for name, base := range map[string]string{
		"user info":       "https://admin:" + urlPassword + "@api.cloudflare.com",
		"user info, http": "http://admin:" + urlPassword + "@127.0.0.1:8787",
		"user name only":  "https://" + urlPassword + "@api.cloudflare.com",
	} {
		wantAttributeError(t, "base_url with "+name, configure(map[string]string{"api_token": testAPIToken, "base_url": base}), "base_url", "must not contain credentials")
	}
	for _, base := range []string{"http://api.cloudflare.com", "http://10.0.0.1:8787/client/v4", "http://127.0.0.1.nip.io:8787", "http://[::2]:8787"} {
		wantAttributeError(t, "base_url "+base, configure(map[string]string{"api_token": testAPIToken, "base_url": base}), "base_url",
			"plain http:// for a host that is not this machine", "use https://", "CLOUDFLARE_BASE_URL")
	}
	for _, base := range []string{"http://127.0.0.1:8787", "http://127.3.2.1:8787/client/v4/", "http://localhost:8787", "http://[::1]:8787", "https://api.example.com"} {
		if diags := configure(map[string]string{"api_token": testAPIToken, "base_url": base}); len(diags) > 0 {
			t.Errorf("base_url %s refused:\n%s", base, diagnosticsText(diags))
		}
	}
	for _, u := range []string{withInfo, "http://ca.example.com/ca.pem", "ftp://127.0.0.1/ca.pem"} {
		wantAttributeError(t, "global_ca_url "+u, configure(map[string]string{"api_token": testAPIToken, "global_ca_url": u}), "global_ca_url", "Invalid Origin-Pull CA URL")
	}

	t.Setenv(envGlobalCAURL, withInfo)
	wantAttributeError(t, envGlobalCAURL, configure(map[string]string{"api_token": testAPIToken}), "global_ca_url", "global_ca_url (or "+envGlobalCAURL+")", "contains user info")
	t.Setenv(envGlobalCAURL, "")
	t.Setenv("CLOUDFLARE_BASE_URL", "https://admin:"+urlPassword+"@api.cloudflare.com")
	wantAttributeError(t, "CLOUDFLARE_BASE_URL", configure(map[string]string{"api_token": testAPIToken}), "base_url", "must not contain credentials")

	if strings.Contains(logs.String(), urlPassword) {
		t.Errorf("the provider's log shows the password:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "Configured Cloudflare API client") {
		t.Errorf("no provider log line was captured, so the log check proves nothing:\n%s", logs.String())
	}
}
