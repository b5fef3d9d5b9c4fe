package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccHostnameBindingDataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newBindingFixture(t, env, "a")
	host := f.hostname("audit")
	cfg := env.config(f.cert("a", false) + f.binding("app", host, "cfaop_hostname_certificate.a.id", "") + fmt.Sprintf(`
data "cfaop_hostname_binding" "app" {
  zone_id  = %q
  hostname = cfaop_hostname_binding.app.hostname
}
`, env.zoneID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.cfaop_hostname_binding.app", tfjsonpath.New("certificate_id"),
						"cfaop_hostname_certificate.a", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.cfaop_hostname_binding.app", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("data.cfaop_hostname_binding.app", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
			},
			{
				Config: env.config(fmt.Sprintf(`
data "cfaop_hostname_binding" "none" {
  zone_id  = %q
  hostname = %q
}
`, env.zoneID, f.hostname("unbound"))),
				ExpectError: wrapped("No Association For Hostname"),
			},
		},
	})
}
