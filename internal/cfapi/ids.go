package cfapi

import (
	"fmt"
	"regexp"
)

// pathSegment is what an ID may look like when it becomes one segment of a
// request path. Cloudflare's zone and certificate IDs are hexadecimal or
// UUIDs; anything with "/", ".", "?", "#" or "%" could make the SDK's
// request leave the endpoint it was meant for ("../../settings" resolves to
// another API path, and a DELETE would go there).
var pathSegment = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ErrInvalidID wraps every refused ID; no request is sent for it.
var ErrInvalidID = fmt.Errorf("invalid identifier")

// checkIDs refuses IDs that are not a single safe path segment.
func checkIDs(op string, ids ...string) error {
	for _, id := range ids {
		if !pathSegment.MatchString(id) {
			return fmt.Errorf("%s: %w %q: Cloudflare IDs are made of letters, digits and hyphens; no request was sent", op, ErrInvalidID, id)
		}
	}
	return nil
}
