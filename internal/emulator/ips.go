package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
)

// Cloudflare's published IP ranges, as listed at https://www.cloudflare.com/ips-v4
// and https://www.cloudflare.com/ips-v6 (and answered by GET /client/v4/ips),
// in the published order; unchanged since 2023 when collected in 2026-12.
var (
	CloudflareIPv4CIDRs = []string{
		"173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",
		"141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20",
		"197.234.240.0/22", "198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13",
		"104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
	}
	CloudflareIPv6CIDRs = []string{
		"2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32",
		"2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32",
	}
)

// IPRanges is the answer of GET /client/v4/ips. Tests replace Cloudflare's
// ranges with loopback ones (e.g. 127.0.0.1/32) so that an origin's allow
// list, rendered from them, admits the local edge.
type IPRanges struct {
	IPv4CIDRs []string `json:"ipv4_cidrs"`
	IPv6CIDRs []string `json:"ipv6_cidrs"`
}

// ipsJSON is the result object: Cloudflare adds an etag, a digest of the lists.
type ipsJSON struct {
	IPv4CIDRs []string `json:"ipv4_cidrs"`
	IPv6CIDRs []string `json:"ipv6_cidrs"`
	Etag      string   `json:"etag"`
}

// ParseIPRanges splits a comma-separated list of CIDRs into IPv4 and IPv6
// ranges, refusing anything that is not a canonical prefix.
func ParseIPRanges(list string) (IPRanges, error) {
	var r IPRanges
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		r.IPv4CIDRs = append(r.IPv4CIDRs, item)
	}
	return r.normalized()
}

// normalized checks every CIDR and sorts it into its family. An empty
// IPRanges stays empty (it means "Cloudflare's" only in Config).
func (r IPRanges) normalized() (IPRanges, error) {
	out := IPRanges{IPv4CIDRs: []string{}, IPv6CIDRs: []string{}}
	for _, item := range append(append([]string{}, r.IPv4CIDRs...), r.IPv6CIDRs...) {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return IPRanges{}, fmt.Errorf("emulator: invalid CIDR %q: %w", item, err)
		}
		if p != p.Masked() {
			return IPRanges{}, fmt.Errorf("emulator: CIDR %q has host bits set (did you mean %s?)", item, p.Masked())
		}
		if p.Addr().Is4() {
			out.IPv4CIDRs = append(out.IPv4CIDRs, p.String())
		} else {
			out.IPv6CIDRs = append(out.IPv6CIDRs, p.String())
		}
	}
	return out, nil
}

func (r IPRanges) empty() bool { return len(r.IPv4CIDRs) == 0 && len(r.IPv6CIDRs) == 0 }

func cloudflareIPRanges() IPRanges {
	return IPRanges{IPv4CIDRs: append([]string{}, CloudflareIPv4CIDRs...), IPv6CIDRs: append([]string{}, CloudflareIPv6CIDRs...)}
}

// SetIPRanges replaces the ranges GET /ips answers; an empty IPRanges
// restores Cloudflare's published ones. Like origins, they are edge
// configuration: Reset keeps them.
func (s *Server) SetIPRanges(r IPRanges) error {
	if r.empty() {
		r = cloudflareIPRanges()
	}
	r, err := r.normalized()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ipRanges = r
	return nil
}

// IPRanges returns the ranges GET /ips answers.
func (s *Server) IPRanges() IPRanges {
	s.mu.Lock()
	defer s.mu.Unlock()
	return IPRanges{IPv4CIDRs: append([]string{}, s.ipRanges.IPv4CIDRs...), IPv6CIDRs: append([]string{}, s.ipRanges.IPv6CIDRs...)}
}

// handleListIPs answers GET /ips. It needs no credentials [obs]; the
// jdcloud_cidrs list (only with ?networks=jdcloud [doc]) is not emulated.
func handleListIPs(s *Server, _ *apiRequest) (any, *resultInfo, *apiError) {
	r := s.ipRanges
	sum := sha256.Sum256([]byte(strings.Join(r.IPv4CIDRs, ",") + "|" + strings.Join(r.IPv6CIDRs, ",")))
	return ipsJSON{IPv4CIDRs: r.IPv4CIDRs, IPv6CIDRs: r.IPv6CIDRs, Etag: hex.EncodeToString(sum[:16])}, nil, nil
}
