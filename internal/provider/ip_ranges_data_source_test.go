package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

func TestAccIPRangesDataSource_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	const addr = "data.cfaop_ip_ranges.test"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("etag"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_cidrs"), knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringExact("173.245.48.0/20")})),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv6_cidrs"), knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringExact("2400:cb00::/32")})),
	}
	if env.emu != nil {
		want := func(list []string) []knownvalue.Check {
			var out []knownvalue.Check
			for _, c := range list {
				out = append(out, knownvalue.StringExact(c))
			}
			return out
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_cidrs"), knownvalue.ListExact(want(emulator.CloudflareIPv4CIDRs))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cidrs"), knownvalue.ListSizeExact(len(emulator.CloudflareIPv4CIDRs)+len(emulator.CloudflareIPv6CIDRs))),
		)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:            env.config(`data "cfaop_ip_ranges" "test" {}`),
			ConfigStateChecks: checks,
		}},
	})
}

// The lists a test configures on the emulator are what the data source reads.
func TestAccIPRangesDataSource_configured(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	if err := env.emu.SetIPRanges(emulator.IPRanges{IPv4CIDRs: []string{"127.0.0.1/32"}, IPv6CIDRs: []string{"::1/128"}}); err != nil {
		t.Fatal(err)
	}
	const addr = "data.cfaop_ip_ranges.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(`data "cfaop_ip_ranges" "test" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("cidrs"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("127.0.0.1/32"), knownvalue.StringExact("::1/128")})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv6_cidrs"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("::1/128")})),
			},
		}},
	})
	if n := env.count("GET /ips"); n == 0 {
		t.Fatalf("the data source did not call GET /ips (counts %v)", env.countsSnapshot())
	}
}
