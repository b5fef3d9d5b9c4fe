package cfapi

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/cloudflare/cloudflare-go/v7/ips"
)

// IPRanges are the address ranges Cloudflare's edge connects to origins
// from, as GET /ips answers them.
type IPRanges struct {
	IPv4CIDRs []string
	IPv6CIDRs []string
	// Etag is Cloudflare's digest of the lists: it changes when they do.
	Etag string
}

// GetIPRanges reads Cloudflare's IP ranges. The endpoint needs no
// credentials [obs], and the client sends none, holding any or not.
// Every entry is checked to be a CIDR, because callers render them into
// origin configuration.
func (c *Client) GetIPRanges(ctx context.Context) (IPRanges, error) {
	res, err := c.ips.List(ctx, ips.IPListParams{})
	if err != nil {
		return IPRanges{}, wrap("read Cloudflare's IP ranges", "", err)
	}
	var out IPRanges
	switch u := res.AsUnion().(type) {
	case ips.IPListResponsePublicIPIPs:
		out = IPRanges{IPv4CIDRs: u.IPV4CIDRs, IPv6CIDRs: u.IPV6CIDRs, Etag: u.Etag}
	case ips.IPListResponsePublicIPIPsJDCloud:
		out = IPRanges{IPv4CIDRs: u.IPV4CIDRs, IPv6CIDRs: u.IPV6CIDRs, Etag: u.Etag}
	default:
		return IPRanges{}, fmt.Errorf("read Cloudflare's IP ranges: unexpected answer %T", u)
	}
	if out.IPv4CIDRs == nil {
		out.IPv4CIDRs = []string{}
	}
	if out.IPv6CIDRs == nil {
		out.IPv6CIDRs = []string{}
	}
	for _, family := range []struct {
		list []string
		v4   bool
	}{{out.IPv4CIDRs, true}, {out.IPv6CIDRs, false}} {
		for _, cidr := range family.list {
			p, err := netip.ParsePrefix(cidr)
			if err != nil || p.Addr().Is4() != family.v4 {
				return IPRanges{}, fmt.Errorf("read Cloudflare's IP ranges: %q is not an IPv%s CIDR", cidr, map[bool]string{true: "4", false: "6"}[family.v4])
			}
		}
	}
	return out, nil
}
