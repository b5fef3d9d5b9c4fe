package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// NewZoneSettingResource manages zone-level AOP: whether Cloudflare presents
// the zone's own uploaded certificate.
func NewZoneSettingResource() resource.Resource {
	return &zoneSwitchResource{
		typeSuffix: "zone_setting",
		what:       "Zone-Level Authenticated Origin Pulls",
		description: "Turns **zone-level** Authenticated Origin Pulls on or off (`PUT /zones/{zone_id}/origin_tls_client_auth/settings`). " +
			"With it on, Cloudflare presents the zone's own active certificate (`cfaop_zone_certificate`) to every origin of the zone " +
			"that has no per-hostname binding. Upload the certificate and wait for it to be active before enabling this, " +
			"or Cloudflare may present no certificate and a strict origin refuses the connection (HTTP 525/526 for visitors).\n\n" +
			"**Destroy turns the setting off** (the official provider leaves it on)." +
			"\n\nA plan that turns this on warns when the zone's SSL/TLS encryption mode is Off or Flexible: Cloudflare then reaches the origin " +
			"over plain HTTP and presents no client certificate at all. The mode is read once per zone per run, and only by plans that write.",
		enabledDesc: "Whether Cloudflare presents the zone's uploaded client certificate to its origins.",
		get:         (*cfapi.Client).GetZoneSetting,
		set:         (*cfapi.Client).SetZoneSetting,
	}
}
