package provider

import (
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

func TestOriginAllowListFunctionRun(t *testing.T) {
	t.Parallel()
	got, funcErr := runFunction(t, NewOriginAllowListFunction(), types.StringUnknown(), types.StringValue("nginx"), stringList("2400:cb00::/32", "127.0.0.1/32"))
	if funcErr != nil || !got.Equal(types.StringValue(origincfg.GeneratedComment+"\nallow 127.0.0.1/32;\nallow 2400:cb00::/32;\ndeny all;\n")) {
		t.Fatalf("nginx: %v %v", got, funcErr)
	}
	got, funcErr = runFunction(t, NewOriginAllowListFunction(), types.StringUnknown(), types.StringValue("apache"), stringList("127.0.0.1/32"))
	if funcErr != nil || !got.Equal(types.StringValue(origincfg.GeneratedComment+"\nRequire ip 127.0.0.1/32\n")) {
		t.Fatalf("apache: %v %v", got, funcErr)
	}
	for _, tc := range []struct {
		server string
		cidrs  types.List
		arg    int64
		want   string
	}{
		{"caddy", stringList("127.0.0.1/32"), 0, `server must be "nginx" or "apache"`},
		{"nginx", stringList("127.0.0.1/32; allow all"), 1, `is not a CIDR`},
		{"apache", stringList("all"), 1, `is not a CIDR`},
		{"nginx", stringList(), 1, `would refuse every client`},
	} {
		_, funcErr := runFunction(t, NewOriginAllowListFunction(), types.StringUnknown(), types.StringValue(tc.server), tc.cidrs)
		if funcErr == nil || funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != tc.arg || !strings.Contains(funcErr.Text, tc.want) {
			t.Errorf("%s %v: %+v; want argument %d, %q", tc.server, tc.cidrs, funcErr, tc.arg, tc.want)
		}
	}
}

func TestNftablesAllowListFunctionRun(t *testing.T) {
	t.Parallel()
	ports := types.ListValueMust(types.NumberType, []attr.Value{types.NumberValue(big.NewFloat(443))})
	got, funcErr := runFunction(t, NewNftablesAllowListFunction(), types.StringUnknown(), stringList("127.0.0.1/32"), ports)
	if funcErr != nil || !strings.Contains(got.(types.String).ValueString(), "tcp dport { 443 } ip saddr @cloudflare_ipv4 accept") {
		t.Fatalf("%v %v", got, funcErr)
	}
	bad := types.ListValueMust(types.NumberType, []attr.Value{types.NumberValue(big.NewFloat(443.5))})
	if _, funcErr := runFunction(t, NewNftablesAllowListFunction(), types.StringUnknown(), stringList("127.0.0.1/32"), bad); funcErr == nil || *funcErr.FunctionArgument != 1 {
		t.Fatalf("fractional port: %+v", funcErr)
	}
	if _, funcErr := runFunction(t, NewNftablesAllowListFunction(), types.StringUnknown(), stringList("x"), ports); funcErr == nil || *funcErr.FunctionArgument != 0 {
		t.Fatalf("bad CIDR: %+v", funcErr)
	}
}

func TestClientVerificationFunctionRun(t *testing.T) {
	t.Parallel()
	args := func(mode, header, log string) []attr.Value {
		return []attr.Value{types.StringValue("/etc/ca.pem"), types.NumberValue(big.NewFloat(1)), types.StringValue(mode), types.StringValue(header), types.StringValue(log)}
	}
	got, funcErr := runFunction(t, NewNginxClientVerificationFunction(), types.StringUnknown(), args("optional", "X-Client-Verify", "/var/log/aop.log")...)
	if funcErr != nil || !strings.Contains(got.(types.String).ValueString(), "ssl_verify_client optional;\n") {
		t.Fatalf("nginx: %v %v", got, funcErr)
	}
	got, funcErr = runFunction(t, NewApacheClientVerificationFunction(), types.StringUnknown(), args("on", "", "")...)
	if funcErr != nil || !strings.Contains(got.(types.String).ValueString(), "SSLVerifyClient require\n") {
		t.Fatalf("apache: %v %v", got, funcErr)
	}
	for _, tc := range []struct {
		args []attr.Value
		arg  int64
		want string
	}{
		{args("off", "", ""), 2, `The verification mode must be "on"`},
		{args("on", "X-A\r\nX-B", ""), 3, "The verdict header name must start with a letter"},
		{args("on", "", "/var/log/a.log;"), 4, "The log file: The path contains ';'"},
	} {
		_, funcErr := runFunction(t, NewNginxClientVerificationFunction(), types.StringUnknown(), tc.args...)
		if funcErr == nil || funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != tc.arg || !strings.Contains(funcErr.Text, tc.want) {
			t.Errorf("%v: %+v; want argument %d, %q", tc.args, funcErr, tc.arg, tc.want)
		}
	}
}

// The functions from HCL, with the allow list fed by cfaop_ip_ranges.
func TestAccOriginAllowListFunction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	if err := env.emu.SetIPRanges(emulator.IPRanges{IPv4CIDRs: []string{"127.0.0.1/32"}, IPv6CIDRs: []string{"::1/128"}}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(`
data "cfaop_ip_ranges" "cloudflare" {}

output "nginx" {
  value = provider::cfaop::origin_allow_list("nginx", data.cfaop_ip_ranges.cloudflare.cidrs)
}

output "nft" {
  value = provider::cfaop::nftables_allow_list(data.cfaop_ip_ranges.cloudflare.cidrs, [443])
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cfaop_ip_ranges.cloudflare", tfjsonpath.New("etag"), knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValue("nginx", knownvalue.StringExact(origincfg.GeneratedComment+"\nallow 127.0.0.1/32;\nallow ::1/128;\ndeny all;\n")),
				statecheck.ExpectKnownOutputValue("nft", knownvalue.StringRegexp(regexp.MustCompile(`elements = \{ ::1/128 \}`))),
			},
		}},
	})
}
