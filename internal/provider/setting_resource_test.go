package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// switchUnderTest describes one zone switch resource for the shared test.
type switchUnderTest struct {
	resourceType string
	get          func(c *cfapi.Client, ctx context.Context, zoneID string) (bool, error)
	set          func(c *cfapi.Client, ctx context.Context, zoneID string, enabled bool) (bool, error)
}

var globalSwitch = switchUnderTest{
	resourceType: "cfaop_global_setting",
	get: func(c *cfapi.Client, ctx context.Context, zoneID string) (bool, error) {
		s, err := c.GetGlobalSetting(ctx, zoneID)
		return s.Enabled, err
	},
	set: func(c *cfapi.Client, ctx context.Context, zoneID string, enabled bool) (bool, error) {
		s, err := c.SetGlobalSetting(ctx, zoneID, enabled)
		return s.Enabled, err
	},
}

var zoneLevelSwitch = switchUnderTest{
	resourceType: "cfaop_zone_setting",
	get:          (*cfapi.Client).GetZoneSetting,
	set:          (*cfapi.Client).SetZoneSetting,
}

func TestAccGlobalSetting_lifecycle(t *testing.T) {
	t.Parallel()
	testAccZoneSwitchLifecycle(t, globalSwitch)
}

func TestAccZoneSetting_lifecycle(t *testing.T) {
	t.Parallel()
	testAccZoneSwitchLifecycle(t, zoneLevelSwitch)
}

// testAccZoneSwitchLifecycle covers create, update, import, drift in both
// directions and destroy turning the switch off.
func testAccZoneSwitchLifecycle(t *testing.T, sw switchUnderTest) {
	env := newTestEnv(t)
	addr := sw.resourceType + ".test"
	cfg := func(enabled bool) string {
		return env.config(fmt.Sprintf(`
resource %q "test" {
  zone_id = %q
  enabled = %t
}
`, sw.resourceType, env.zoneID, enabled))
	}
	expectAPI := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := sw.get(env.client, testContext(t), env.zoneID)
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("API reports enabled=%t, want %t", got, want)
			}
			return nil
		}
	}
	flipOutside := func(to bool) func() {
		return func() {
			if _, err := sw.set(env.client, testContext(t), env.zoneID, to); err != nil {
				t.Fatalf("change setting outside Terraform: %v", err)
			}
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             expectAPI(false),
		Steps: []resource.TestStep{
			{
				Config: cfg(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(env.zoneID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("zone_id"), knownvalue.StringExact(env.zoneID)),
				},
				Check: expectAPI(true),
			},
			{
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				},
				Check: expectAPI(false),
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        env.zoneID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "zone_id",
			},
			// Turned on outside Terraform: the plan shows the difference and apply reverts it.
			{
				PreConfig: flipOutside(true),
				Config:    cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: expectAPI(false),
			},
			{
				Config: cfg(true),
				Check:  expectAPI(true),
			},
			{
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccGlobalSetting_invalidZoneID(t *testing.T) {
	t.Parallel()
	testAccZoneSwitchInvalidZoneID(t, globalSwitch)
}
func TestAccZoneSetting_invalidZoneID(t *testing.T) {
	t.Parallel()
	testAccZoneSwitchInvalidZoneID(t, zoneLevelSwitch)
}

func testAccZoneSwitchInvalidZoneID(t *testing.T, sw switchUnderTest) {
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource %q "test" {
  zone_id = "example.com"
  enabled = true
}
`, sw.resourceType)),
			PlanOnly:    true,
			ExpectError: wrapped("a zone name such as example.com is not an ID."),
		}},
	})
}

func TestAccZoneSetting_unknownZone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "cfaop_zone_setting" "test" {
  zone_id = "0123456789abcdef0123456789abcdef"
  enabled = true
}
`),
			ExpectError: wrapped("Cloudflare has no zone with ID 0123456789abcdef0123456789abcdef that these credentials can see, so nothing was written to it."),
		}},
	})
}
