package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// NewGlobalSettingResource manages global AOP: the zone setting
// tls_client_auth, with which Cloudflare presents its shared certificate.
func NewGlobalSettingResource() resource.Resource {
	return &zoneSwitchResource{
		typeSuffix: "global_setting",
		what:       "Global Authenticated Origin Pulls",
		description: "Turns **global** Authenticated Origin Pulls on or off for a zone (the zone setting `tls_client_auth`). " +
			"With it on, Cloudflare presents its shared origin-pull certificate, signed by the CA that `cfaop_global_ca` returns, " +
			"to every origin of the zone that has no zone-level or per-hostname certificate. Any Cloudflare customer can obtain " +
			"that certificate, so an origin that trusts only it is protected from direct access but not from other Cloudflare zones; " +
			"use `cfaop_zone_setting` or per-hostname certificates for that.\n\n" +
			"**Destroy turns the setting off** (the official provider leaves it on)." +
			"\n\nA plan that turns this on warns when the zone's SSL/TLS encryption mode is Off or Flexible: Cloudflare then reaches the origin " +
			"over plain HTTP and presents no client certificate at all. The mode is read once per zone per run, and only by plans that write.",
		enabledDesc: "Whether Cloudflare presents its shared client certificate to this zone's origins (`tls_client_auth` = `on`).",
		get: func(c *cfapi.Client, ctx context.Context, zoneID string) (bool, error) {
			s, err := c.GetGlobalSetting(ctx, zoneID)
			return s.Enabled, err
		},
		set: func(c *cfapi.Client, ctx context.Context, zoneID string, enabled bool) (bool, error) {
			s, err := c.SetGlobalSetting(ctx, zoneID, enabled)
			return s.Enabled, err
		},
	}
}
