package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

func TestAccZoneSSLModeDataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	cfg := env.config(fmt.Sprintf(`data "cfaop_zone_ssl_mode" "this" { zone_id = %q }`, env.zoneID))
	const addr = "data.cfaop_zone_ssl_mode.this"
	step := func(mode string, presented, verified bool) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				if err := env.emu.SetSSLMode(env.zoneID, mode); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("mode"), knownvalue.StringExact(mode)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_certificates_presented"), knownvalue.Bool(presented)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("origin_certificate_verified"), knownvalue.Bool(verified)),
			},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			step(emulator.SSLFlexible, false, false),
			step(emulator.SSLFull, true, false),
			step(emulator.SSLStrict, true, true),
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      env.config(`data "cfaop_zone_ssl_mode" "this" { zone_id = "example.com" }`),
			ExpectError: wrapped("Invalid Zone ID"),
		}},
	})
}
