package cfapi

import (
	"context"
	"fmt"

	"github.com/cloudflare/cloudflare-go/v7/zones"
)

// SSL/TLS encryption modes (zone setting ssl).
const (
	SSLModeOff      = "off"
	SSLModeFlexible = "flexible"
	SSLModeFull     = "full"
	SSLModeStrict   = "strict"
)

// GetSSLMode reads the zone's SSL/TLS encryption mode (zone setting ssl):
// off, flexible, full or strict. In off and flexible Cloudflare reaches the
// origin over plain HTTP, so Authenticated Origin Pulls has no effect [doc].
func (c *Client) GetSSLMode(ctx context.Context, zoneID string) (string, error) {
	if err := checkZoneID("read zone setting ssl", zoneID); err != nil {
		return "", err
	}
	var p zones.SettingGetParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	res, err := c.zoneSetting.Get(ctx, "ssl", p)
	if err != nil {
		return "", wrap("read zone setting ssl", PermZoneSettingsRead, err)
	}
	// The SDK decodes the value into a per-setting string type.
	switch mode := fmt.Sprint(res.Value); mode {
	case SSLModeOff, SSLModeFlexible, SSLModeFull, SSLModeStrict:
		return mode, nil
	default:
		return "", fmt.Errorf("zone setting ssl has unexpected value %q (want off, flexible, full or strict)", mode)
	}
}
