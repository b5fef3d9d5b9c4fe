package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Each malformed credential gets its own diagnostic with the fix, on the
// attribute when it is set in the configuration and naming the environment
// variable when it came from there, before any request (the base URL is a
// port nothing listens on), and never showing the value.
func TestProviderConfig_credentialFormats(t *testing.T) {
	for _, v := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL"} {
		t.Setenv(v, "")
	}
	ctx := context.Background()
	server := unconfiguredServer(t)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	const base = "http://127.0.0.1:9/client/v4"
	cases := []struct {
		name, attr, env, value string
		extra                  map[string]string
		want                   []string
	}{
		{"token with trailing newline", "api_token", "CLOUDFLARE_API_TOKEN", testAPIToken + "\n", nil,
			[]string{"Whitespace In The API Token", "contains a newline at the end (41 characters in all)", `api_token = trimspace(file("token.txt"))`}},
		{"token with a space inside", "api_token", "CLOUDFLARE_API_TOKEN", testAPIToken[:20] + " " + testAPIToken[20:], nil,
			[]string{"Whitespace In The API Token", "a space inside it"}},
		{"token with Bearer prefix", "api_token", "CLOUDFLARE_API_TOKEN", "Bearer " + testAPIToken, nil,
			[]string{"API Token Has A Bearer Prefix", "sends the Authorization: Bearer header itself"}},
		{"token too short", "api_token", "CLOUDFLARE_API_TOKEN", "acc-test-token", nil,
			[]string{"Invalid API Token Format", "is 14 characters long; Cloudflare API tokens are 40 to 255 characters"}},
		{"token with a dot", "api_token", "CLOUDFLARE_API_TOKEN", testAPIToken[:39] + ".", nil,
			[]string{"Invalid API Token Format", "contains punctuation or a symbol"}},
		{"global key as token", "api_token", "CLOUDFLARE_API_TOKEN", testAPIKey, nil,
			[]string{"Invalid API Token Format", "It looks like a global API key: set it as api_key (or CLOUDFLARE_API_KEY)"}},
		{"key not hex", "api_key", "CLOUDFLARE_API_KEY", testAPIToken, map[string]string{"email": "owner@example.com"},
			[]string{"Invalid Global API Key Format", "a letter that is not a hexadecimal digit", "37 to 45 hexadecimal digits", "set api_token (or CLOUDFLARE_API_TOKEN) instead"}},
		{"key with newline", "api_key", "CLOUDFLARE_API_KEY", testAPIKey + "\r\n", map[string]string{"email": "owner@example.com"},
			[]string{"Whitespace In The Global API Key", "a carriage return at the end"}},
		{"email without @", "email", "CLOUDFLARE_EMAIL", "owner.example.com", map[string]string{"api_key": testAPIKey},
			[]string{"Invalid Email Address", "contains no \"@\"; it must be the email address"}},
	}
	for _, tc := range cases {
		// In the configuration: an attribute error at validation (plan) time.
		values := map[string]string{"base_url": base, tc.attr: tc.value}
		for k, v := range tc.extra {
			values[k] = v
		}
		validated, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: protoObject(t, schemas.Provider, values)})
		if err != nil {
			t.Fatal(err)
		}
		wantCredentialError(t, tc.name+" in "+tc.attr, validated.Diagnostics, tc.value, tc.attr, tc.want...)

		// From the environment: Configure names the variable.
		t.Setenv(tc.env, tc.value)
		values = map[string]string{"base_url": base}
		for k, v := range tc.extra {
			values[k] = v
		}
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: protoObject(t, schemas.Provider, values)})
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string{"the environment variable " + tc.env}, tc.want[0])
		wantCredentialError(t, tc.name+" in "+tc.env, resp.Diagnostics, tc.value, "", want...)
		t.Setenv(tc.env, "")
	}

	// Real formats pass: legacy, cfut_/cfat_ with a checksum, longer than
	// the 80 characters another provider allows, key and email.
	for _, values := range []map[string]string{
		{"api_token": testAPIToken},
		{"api_token": "cfut_" + testAPIToken + "a1B2c3D4"},
		{"api_token": "cfat_" + testAPIToken + "a1B2c3D4"},
		{"api_token": strings.Repeat("A", 120)},
		{"api_key": testAPIKey, "email": "owner@example.com"},
		{"api_key": strings.ToUpper(testAPIKey) + "abcdef01", "email": "owner@example.com"},
	} {
		values["base_url"] = base
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: protoObject(t, schemas.Provider, values)})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) > 0 {
			t.Errorf("a valid credential was refused:\n%s", diagnosticsText(resp.Diagnostics))
		}
	}
}

// wantCredentialError checks for an error (on attr, or on no attribute when
// attr is empty) that says every fragment and does not show the secret.
func wantCredentialError(t *testing.T, what string, diags []*tfprotov6.Diagnostic, secret, attr string, fragments ...string) {
	t.Helper()
	all := diagnosticsText(diags)
	if s := strings.TrimSpace(secret); len(s) > 8 && strings.Contains(all, s[len(s)-8:]) {
		t.Errorf("%s: a diagnostic shows the secret:\n%s", what, all)
	}
	if attr != "" {
		wantAttributeError(t, what, diags, attr, fragments...)
		return
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute == nil {
			for _, f := range fragments {
				if !strings.Contains(d.Summary+" "+d.Detail, f) {
					t.Errorf("%s: the error does not say %q:\n%s", what, f, all)
				}
			}
			return
		}
	}
	t.Errorf("%s: no error without an attribute:\n%s", what, all)
}

// Through the Terraform CLI: a token read with file() and no trimspace()
// fails the plan with the fix, and no request reaches the API.
func TestAccProvider_tokenWithNewlineFailsPlanWithoutRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	dir := t.TempDir()
	tokenFile := dir + "/token.txt"
	if err := os.WriteFile(tokenFile, []byte(env.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "cfaop" {
  base_url  = %q
  api_token = file(%q)
}
data "cfaop_zone_certificates" "all" {
  zone_id = %q
}
`, env.baseURL, tokenFile, env.zoneID),
			ExpectError: wrapped(`Whitespace In The API Token`),
		}},
	})
	if n := len(env.countsSnapshot()); n != 0 {
		t.Fatalf("want no API request, got %v", env.countsSnapshot())
	}
}
