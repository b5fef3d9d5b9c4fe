package emulator

import (
	"net/http"
	"slices"
	"testing"
)

func TestIPsServesCloudflareRangesWithoutCredentials(t *testing.T) {
	e := newEnv(t)
	var got ipsJSON
	e.doWith(http.MethodGet, "/ips", nil, nil).ok(t, &got)
	if !slices.Equal(got.IPv4CIDRs, CloudflareIPv4CIDRs) || !slices.Equal(got.IPv6CIDRs, CloudflareIPv6CIDRs) {
		t.Fatalf("default ranges = %v %v, want Cloudflare's published ones", got.IPv4CIDRs, got.IPv6CIDRs)
	}
	if len(got.Etag) != 32 {
		t.Fatalf("etag = %q, want 32 hex characters", got.Etag)
	}
	if n := e.s.Counts()["GET /ips"]; n != 1 {
		t.Fatalf("GET /ips counted %d times, want 1", n)
	}
}

func TestIPsConfigurableForTests(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.IPRanges = IPRanges{IPv4CIDRs: []string{"127.0.0.1/32", "::1/128"}} })
	var first ipsJSON
	e.do(http.MethodGet, "/ips", nil).ok(t, &first)
	if !slices.Equal(first.IPv4CIDRs, []string{"127.0.0.1/32"}) || !slices.Equal(first.IPv6CIDRs, []string{"::1/128"}) {
		t.Fatalf("configured ranges = %v %v, want each family in its list", first.IPv4CIDRs, first.IPv6CIDRs)
	}
	// The admin endpoint changes them; the etag follows the content.
	if r := e.do(http.MethodPost, AdminPrefix+"ips", map[string]any{"ipv4_cidrs": []string{"127.0.0.0/8"}}); r.status != http.StatusOK {
		t.Fatalf("POST ips: %d %s", r.status, r.raw)
	}
	var second ipsJSON
	e.do(http.MethodGet, "/ips", nil).ok(t, &second)
	if !slices.Equal(second.IPv4CIDRs, []string{"127.0.0.0/8"}) || len(second.IPv6CIDRs) != 0 || second.Etag == first.Etag {
		t.Fatalf("after POST: %+v (etag before %s)", second, first.Etag)
	}
	e.s.Reset()
	if got := e.s.IPRanges(); !slices.Equal(got.IPv4CIDRs, []string{"127.0.0.0/8"}) {
		t.Fatalf("Reset changed the IP ranges: %v", got)
	}
	// Both lists empty restores Cloudflare's.
	if r := e.do(http.MethodPost, AdminPrefix+"ips", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("POST ips {}: %d %s", r.status, r.raw)
	}
	if got := e.s.IPRanges(); !slices.Equal(got.IPv4CIDRs, CloudflareIPv4CIDRs) {
		t.Fatalf("empty POST did not restore Cloudflare's ranges: %v", got)
	}
	e.do(http.MethodPost, AdminPrefix+"ips", map[string]any{"ipv4_cidrs": []string{"127.0.0.1/8"}}).fails(t, http.StatusBadRequest, codeInvalidRequest, "host bits set")
	e.do(http.MethodPost, AdminPrefix+"ips", map[string]any{"ipv4_cidrs": []string{"127.0.0.1; deny all"}}).fails(t, http.StatusBadRequest, codeInvalidRequest, "invalid CIDR")
}

func TestParseIPRanges(t *testing.T) {
	got, err := ParseIPRanges(" 127.0.0.1/32, ::1/128 ,")
	if err != nil || !slices.Equal(got.IPv4CIDRs, []string{"127.0.0.1/32"}) || !slices.Equal(got.IPv6CIDRs, []string{"::1/128"}) {
		t.Fatalf("ParseIPRanges = %+v, %v", got, err)
	}
	if _, err := ParseIPRanges("10.0.0.0"); err == nil {
		t.Fatal("a bare address was accepted")
	}
	if _, err := New(Config{IPRanges: IPRanges{IPv6CIDRs: []string{"nonsense"}}}); err == nil {
		t.Fatal("New accepted an invalid CIDR")
	}
}
