package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccProvider_configErrors(t *testing.T) {
	env := newTestEnv(t)
	env.needsEmulator(t)
	for _, v := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CFAOP_MAX_RETRIES", "CFAOP_MAX_BACKOFF"} {
		t.Setenv(v, "")
	}
	ds := `data "cfaop_global_ca" "test" {}`
	cases := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{"no credentials", `provider "cfaop" {}`,
			wrapped("no Cloudflare credentials: set api_token (or CLOUDFLARE_API_TOKEN), or api_key and email (or CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL)")},
		{"key without email", `provider "cfaop" { api_key = "k" }`,
			wrapped("api_key and email must be set together")},
		{"base url without scheme", `provider "cfaop" {
  api_token = "t"
  base_url  = "api.cloudflare.com"
}`, wrapped("must start with https:// (or http:// for a local emulator)")},
		{"bad backoff", `provider "cfaop" {
  api_token   = "t"
  max_backoff = "soon"
}`, wrapped("max_backoff must be a positive duration such as 30s or 2m")},
		{"retries out of range", `provider "cfaop" {
  api_token   = "t"
  max_retries = 99
}`, wrapped("value must be between 0 and 20")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps:                    []resource.TestStep{{Config: tc.provider + "\n" + ds, ExpectError: tc.want}},
			})
		})
	}
}

// A wrong token reaches the API and comes back as Cloudflare's auth error.
func TestAccProvider_wrongToken(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	env.token = "not-the-token"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "cfaop_zone_setting" "test" {
  zone_id = "` + env.zoneID + `"
  enabled = true
}
`),
			ExpectError: wrapped("Check the API token (or key and email): it must be valid"),
		}},
	})
}
