package provider

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

// clientAuthArgumentErrors are the refused arguments shared by
// nginx_client_auth and apache_client_auth: ca_file, verify_depth (HCL), the
// parameter blamed, and what the error says.
var clientAuthArgumentErrors = []struct {
	name      string
	caFile    string
	depth     string
	parameter string
	detail    string
}{
	{"relative path", "ca.pem", "1", "ca_file", `"ca.pem" is not an absolute path`},
	{"empty path", "", "1", "ca_file", "The path is empty"},
	{"directory", "/etc/nginx/", "1", "ca_file", "names a directory"},
	{"semicolon injection", "/etc/ca.pem; ssl_verify_client off", "1", "ca_file", `The path contains ';' at byte 11`},
	{"space", "/etc/my certs/ca.pem", "1", "ca_file", `The path contains ' ' at byte 7`},
	{"newline injection", "/etc/ca.pem\nSSLVerifyClient none", "1", "ca_file", `The path contains '\n' at byte 11`},
	{"quote injection", `/etc/ca.pem" SSLVerifyClient "none`, "1", "ca_file", `The path contains '"' at byte 11`},
	{"brace", "/etc/ca.pem}", "1", "ca_file", `The path contains '}' at byte 11`},
	{"variable", "/etc/${APACHE_CONF}/ca.pem", "1", "ca_file", `The path contains '$' at byte 5`},
	{"depth 0", "/etc/ca.pem", "0", "verify_depth", "The verify depth must be a whole number from 1 to 10, got 0"},
	{"depth 11", "/etc/ca.pem", "11", "verify_depth", "The verify depth must be a whole number from 1 to 10, got 11"},
	{"fractional depth", "/etc/ca.pem", "1.5", "verify_depth", "The verify depth must be a whole number from 1 to 10, got 1.5"},
	{"negative depth", "/etc/ca.pem", "-2", "verify_depth", "got -2"},
}

// clientAuthErrorSteps turns clientAuthArgumentErrors into test steps for
// the named function.
func clientAuthErrorSteps(env *testEnv, name string) []resource.TestStep {
	var steps []resource.TestStep
	for _, tt := range clientAuthArgumentErrors {
		config := fmt.Sprintf("output \"snippet\" {\n  value = provider::cfaop::%s(%s, %s)\n}\n", name, hclString(tt.caFile), tt.depth)
		steps = append(steps, functionErrorStep(env, config, tt.parameter, tt.detail))
	}
	return steps
}

// testClientAuthRun calls f directly with every refused argument and checks
// that the error names the right argument.
func testClientAuthRun(t *testing.T, f function.Function) {
	for _, tt := range clientAuthArgumentErrors {
		t.Run(tt.name, func(t *testing.T) {
			depth, _, err := big.ParseFloat(tt.depth, 10, 64, big.ToNearestEven)
			if err != nil {
				t.Fatal(err)
			}
			got, funcErr := runFunction(t, f, types.StringUnknown(), types.StringValue(tt.caFile), types.NumberValue(depth))
			if funcErr == nil {
				t.Fatalf("no error; got %v", got)
			}
			wantArg := map[string]int64{"ca_file": 0, "verify_depth": 1}[tt.parameter]
			if funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != wantArg {
				t.Errorf("error is not about argument %d: %+v", wantArg, funcErr)
			}
			if !strings.Contains(funcErr.Text, tt.detail) || strings.HasSuffix(funcErr.Text, ".") {
				t.Errorf("error %q does not contain %q or ends with a period", funcErr.Text, tt.detail)
			}
		})
	}
}

func TestNginxClientAuthFunctionRun(t *testing.T) {
	t.Parallel()
	got, funcErr := runFunction(t, NewNginxClientAuthFunction(), types.StringUnknown(),
		types.StringValue("/etc/nginx/aop-ca.pem"), types.NumberValue(big.NewFloat(2)))
	if funcErr != nil {
		t.Fatal(funcErr)
	}
	want := origincfg.GeneratedComment + "\nssl_client_certificate /etc/nginx/aop-ca.pem;\nssl_verify_client on;\nssl_verify_depth 2;\n"
	if !got.Equal(types.StringValue(want)) {
		t.Errorf("got %v, want %q", got, want)
	}
	testClientAuthRun(t, NewNginxClientAuthFunction())
}

func TestAccNginxClientAuthFunction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	want := knownvalue.StringExact("# Generated for Cloudflare Authenticated Origin Pulls by the cfaop Terraform provider.\n" +
		"ssl_client_certificate /etc/nginx/cloudflare-aop-ca.pem;\n" +
		"ssl_verify_client on;\n" +
		"ssl_verify_depth 3;\n")
	steps := []resource.TestStep{{
		Config: env.config(`
output "snippet" {
  value = provider::cfaop::nginx_client_auth("/etc/nginx/cloudflare-aop-ca.pem", 3)
}
`),
		ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownOutputValue("snippet", want)}},
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("snippet", want)},
	}}
	functionTest(t, env, append(steps, clientAuthErrorSteps(env, "nginx_client_auth")...)...)
}
