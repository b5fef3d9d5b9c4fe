package provider

import (
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

func TestApacheClientAuthFunctionRun(t *testing.T) {
	t.Parallel()
	got, funcErr := runFunction(t, NewApacheClientAuthFunction(), types.StringUnknown(),
		types.StringValue("C:/Apache24/conf/aop-ca.pem"), types.NumberValue(big.NewFloat(10)))
	if funcErr != nil {
		t.Fatal(funcErr)
	}
	want := origincfg.GeneratedComment + "\nSSLVerifyClient require\nSSLCACertificateFile \"C:/Apache24/conf/aop-ca.pem\"\nSSLVerifyDepth 10\n"
	if !got.Equal(types.StringValue(want)) {
		t.Errorf("got %v, want %q", got, want)
	}
	testClientAuthRun(t, NewApacheClientAuthFunction())
}

func TestAccApacheClientAuthFunction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	want := knownvalue.StringExact("# Generated for Cloudflare Authenticated Origin Pulls by the cfaop Terraform provider.\n" +
		"SSLVerifyClient require\n" +
		"SSLCACertificateFile \"/etc/apache2/cloudflare-aop-ca.pem\"\n" +
		"SSLVerifyDepth 1\n")
	steps := []resource.TestStep{{
		Config: env.config(`
output "snippet" {
  value = provider::cfaop::apache_client_auth("/etc/apache2/cloudflare-aop-ca.pem", 1)
}
`),
		ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownOutputValue("snippet", want)}},
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("snippet", want)},
	}}
	functionTest(t, env, append(steps, clientAuthErrorSteps(env, "apache_client_auth")...)...)
}
