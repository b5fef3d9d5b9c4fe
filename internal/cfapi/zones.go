package cfapi

import (
	"context"
	"fmt"

	"github.com/cloudflare/cloudflare-go/v7/zones"
)

// ZoneIDByName finds a zone's ID from its name (GET /zones?name=NAME).
func (c *Client) ZoneIDByName(ctx context.Context, name string) (string, error) {
	// The name only goes into the query, but a zone name is a domain name:
	// anything else is a mistake worth a clear error rather than an API call.
	if err := checkHostname("look up zone", "zone name", name); err != nil {
		return "", err
	}
	var p zones.ZoneListParams
	p.Name.Value, p.Name.Present = name, true
	page, err := c.zones.List(ctx, p)
	if err != nil {
		return "", wrap("look up zone "+name, PermZoneRead, err)
	}
	for _, z := range page.Result {
		if z.Name == name {
			return z.ID, nil
		}
	}
	return "", fmt.Errorf("look up zone %s: no zone of that name is visible to these credentials", name)
}

// ZoneName reads a zone (GET /zones/{zone_id}) and returns its name. It is
// also the provider's cheapest request that proves the credentials work for
// the zone: a refused token answers 403 with code 10000 (observed API
// behaviour), an unknown zone ID an error such as 404 with code 7003 (what the
// emulator answers; the OpenAPI schema only lists 4xx).
func (c *Client) ZoneName(ctx context.Context, zoneID string) (string, error) {
	if err := checkZoneID("read zone", zoneID); err != nil {
		return "", err
	}
	var p zones.ZoneGetParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	z, err := c.zones.Get(ctx, p)
	if err != nil {
		return "", wrap("read zone "+zoneID, PermZoneRead, err)
	}
	return z.Name, nil
}
