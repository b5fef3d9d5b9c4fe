package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// sslModeCache reads each zone's SSL/TLS mode at most once per provider
// process, however many resources of the zone ask.
type sslModeCache struct {
	client *cfapi.Client
	modes  oncePerKey[string]
}

func newSSLModeCache(client *cfapi.Client) *sslModeCache {
	return &sslModeCache{client: client}
}

func (c *sslModeCache) get(ctx context.Context, zoneID string) (string, error) {
	return c.modes.get(ctx, zoneID, func() (string, error) { return c.client.GetSSLMode(ctx, zoneID) })
}

// warnWeakSSLMode warns when the zone of a resource that turns AOP on is in
// SSL/TLS mode off or flexible, where Cloudflare reaches the origin over
// plain HTTP and presents no client certificate [doc]. Callers call it only
// when the plan writes, so a no-change plan makes no request. A mode that
// cannot be read (for example a token without Zone Settings Read) is
// logged, not reported: the check is advice, not a precondition.
func warnWeakSSLMode(ctx context.Context, data *providerData, zoneID types.String, enabled types.Bool, diags *diag.Diagnostics) {
	if data == nil || data.sslModes == nil || !known(zoneID) || enabled.IsNull() || enabled.IsUnknown() || !enabled.ValueBool() {
		return // unknown until apply: Terraform plans again then, and this runs with the value
	}
	mode, err := data.sslModes.get(ctx, zoneID.ValueString())
	if err != nil {
		tflog.Warn(ctx, "Cannot read the zone's SSL/TLS mode; skipping the check", map[string]any{"zone_id": zoneID.ValueString(), "error": err.Error()})
		return
	}
	if detail := weakSSLModeDetail(zoneID.ValueString(), mode); detail != "" {
		diags.AddAttributeWarning(path.Root("zone_id"), "SSL/TLS Mode Disables Authenticated Origin Pulls", detail)
	}
}

// weakSSLModeDetail words the warning for a mode in which AOP has no
// effect, "" for full and strict.
func weakSSLModeDetail(zoneID, mode string) string {
	var how string
	switch mode {
	case cfapi.SSLModeOff:
		how = "Off: Cloudflare serves the zone over plain HTTP only and reaches the origin over plain HTTP"
	case cfapi.SSLModeFlexible:
		how = "Flexible: Cloudflare reaches the origin over plain HTTP"
	default:
		return ""
	}
	return fmt.Sprintf("Zone %s is in SSL/TLS mode %q (%s), so it presents no client certificate: the Authenticated Origin Pulls "+
		"configured here has no effect, and an origin that requires the certificate is never reached over TLS. "+
		"Set the zone's SSL/TLS encryption mode to Full (strict), or at least Full: in the Cloudflare dashboard under SSL/TLS > Overview, "+
		"or with the Cloudflare provider's cloudflare_zone_setting (setting_id = \"ssl\", value = \"strict\"). "+
		"The next plan checks again.", zoneID, mode, how)
}
