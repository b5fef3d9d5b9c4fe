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
