package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Every function, and each of its parameters, is described and has its
// example, so the generated docs are never thin.
func TestFunctionsDescribedAndExampled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, ok := New("test")().(interface {
		Functions(context.Context) []func() function.Function
	})
	if !ok {
		t.Fatal("the provider offers no functions")
	}
	for _, newFunc := range p.Functions(ctx) {
		f := newFunc()
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		var def function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &def)
		d := def.Definition
		if d.Summary == "" || d.MarkdownDescription == "" {
			t.Errorf("function %s has no summary or description", meta.Name)
		}
		if !strings.Contains(d.MarkdownDescription, whyFunctions) {
			t.Errorf("function %s does not explain why it is a function", meta.Name)
		}
		for _, param := range d.Parameters {
			if param.GetMarkdownDescription() == "" {
				t.Errorf("function %s parameter %s has no description", meta.Name, param.GetName())
			}
		}
		var vResp function.DefinitionValidateResponse
		d.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: meta.Name}, &vResp)
		if vResp.Diagnostics.HasError() {
			t.Errorf("function %s: %v", meta.Name, vResp.Diagnostics)
		}
		requireFile(t, filepath.Join("../../examples/functions", meta.Name, "function.tf"))
	}
}

// runFunction calls f the way the framework does, without Terraform.
func runFunction(t *testing.T, f function.Function, ret attr.Value, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(ret)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp.Result.Value(), resp.Error
}

func stringList(values ...string) types.List {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}

func TestOriginTrustBundleFunctionRun(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "cfaop function CA")
	issued := testcerts.NewLeaf(t, testcerts.WithIssuer(ca))
	unknownResult := types.ObjectUnknown(originTrustBundleAttrTypes)

	got, funcErr := runFunction(t, NewOriginTrustBundleFunction(), unknownResult, stringList(ca.CertPEM, ca.CertPEM))
	if funcErr != nil {
		t.Fatalf("Run: %v", funcErr)
	}
	want := types.ObjectValueMust(originTrustBundleAttrTypes, map[string]attr.Value{
		"pem":          types.StringValue(ca.CertPEM),
		"fingerprints": stringList(certSHA256(ca)),
		"subjects":     stringList(ca.Cert.Subject.String()),
	})
	if !got.Equal(want) {
		t.Errorf("result = %v, want %v", got, want)
	}

	tests := []struct {
		name string
		arg  types.List
		want string
	}{
		{"empty", stringList(), "The list of certificates is empty"},
		{"null element", types.ListValueMust(types.StringType, []attr.Value{types.StringValue(ca.CertPEM), types.StringNull()}), "certificates[1] is null"},
		{"no certificate", stringList(ca.CertPEM, "hello"), "certificates[1] cannot be trusted by the origin. It holds no PEM block"},
		{"private key", stringList(issued.CertPEM + issued.KeyPEM), "certificates[0] cannot be trusted by the origin. It contains a private key"},
		{"leaf", stringList(issued.CertPEM), "The origin needs the CA that signed it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, funcErr := runFunction(t, NewOriginTrustBundleFunction(), unknownResult, tt.arg)
			if funcErr == nil {
				t.Fatal("no error")
			}
			if funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != 0 {
				t.Errorf("error is not about argument 0: %+v", funcErr)
			}
			if !strings.Contains(funcErr.Text, tt.want) {
				t.Errorf("error %q does not contain %q", funcErr.Text, tt.want)
			}
			for _, line := range strings.Split(issued.KeyPEM, "\n") {
				if len(line) > 16 && !strings.HasPrefix(line, "-----") && strings.Contains(funcErr.Text, line) {
					t.Errorf("error repeats the private key")
				}
			}
		})
	}
}

func certSHA256(p testcerts.Pair) string {
	sum := sha256.Sum256(p.Cert.Raw)
	return hex.EncodeToString(sum[:])
}

// hclString quotes s as an HCL string literal, template sequences included,
// so tests can pass any text (injection attempts too) to a function.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hclStringList quotes values as an HCL list of strings.
func hclStringList(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = hclString(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// functionTest runs steps that call the provider's functions. Functions need
// no API, so resource.UnitTest runs them without TF_ACC; newTestEnv still
// supplies the provider and skips the test unless TF_ACC is set.
func functionTest(t *testing.T, env *testEnv, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps:                    steps,
	})
}

// functionErrorStep expects config to fail with a function error on
// parameter whose text contains detail.
func functionErrorStep(env *testEnv, config, parameter, detail string) resource.TestStep {
	prefix := wrapped(fmt.Sprintf(`Invalid value for %q parameter:`, parameter)).String()
	return resource.TestStep{
		Config:      env.config(config),
		ExpectError: regexp.MustCompile(prefix + `.*?` + strings.TrimPrefix(wrapped(detail).String(), "(?s)")),
	}
}

func TestAccOriginTrustBundleFunction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	caA := testcerts.NewCA(t, "cfaop test CA A")
	caB := testcerts.NewCA(t, "cfaop test CA B")
	intermediate := testcerts.NewLeaf(t, testcerts.WithIssuer(caA), testcerts.WithIsCA(), testcerts.WithCN("cfaop test intermediate"))
	self := testcerts.NewLeaf(t, testcerts.WithCN("self-signed.example.com"))
	issued := testcerts.NewLeaf(t, testcerts.WithIssuer(caA), testcerts.WithCN("issued.example.com"))

	call := func(certs ...string) string {
		return fmt.Sprintf("output \"bundle\" {\n  value = provider::cfaop::origin_trust_bundle(%s)\n}\n", hclStringList(certs...))
	}
	wantBundle := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"pem": knownvalue.StringExact(caB.CertPEM + intermediate.CertPEM + caA.CertPEM + self.CertPEM),
		"fingerprints": knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact(certSHA256(caB)), knownvalue.StringExact(certSHA256(intermediate)),
			knownvalue.StringExact(certSHA256(caA)), knownvalue.StringExact(certSHA256(self)),
		}),
		"subjects": knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact(caB.Cert.Subject.String()), knownvalue.StringExact(intermediate.Cert.Subject.String()),
			knownvalue.StringExact(caA.Cert.Subject.String()), knownvalue.StringExact(self.Cert.Subject.String()),
		}),
	})
	corrupt := "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG==\n-----END CERTIFICATE-----\n"

	functionTest(t, env,
		resource.TestStep{
			// Order kept, duplicates (also in CRLF form) dropped, a chain split.
			Config: env.config(call(caB.CertPEM, strings.ReplaceAll(intermediate.CertPEM+caA.CertPEM, "\n", "\r\n"), caB.CertPEM, caA.CertPEM, self.CertPEM)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("bundle", wantBundle),
			}},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("bundle", wantBundle)},
		},
		functionErrorStep(env, call(), "certificates", "The list of certificates is empty"),
		functionErrorStep(env, call(caA.CertPEM, ""), "certificates", "certificates[1] cannot be trusted by the origin. It is empty"),
		functionErrorStep(env, call("ca.pem"), "certificates", `certificates[0] cannot be trusted by the origin. It holds no PEM block; if it is a file name`),
		functionErrorStep(env, call(caA.CertPEM, corrupt), "certificates", "certificates[1] cannot be trusted by the origin. A CERTIFICATE PEM block in it is not a valid X.509 certificate"),
		functionErrorStep(env, call(issued.CertPEM+issued.KeyPEM), "certificates", `certificates[0] cannot be trusted by the origin. It contains a private key (PEM block "PRIVATE KEY")`),
		functionErrorStep(env, call(caA.CertPEM, testcerts.Chain(issued, caA)), "certificates", "certificates[1] cannot be trusted by the origin. Its certificate 1 of 2"),
		functionErrorStep(env, call(issued.CertPEM), "certificates", "The origin needs the CA that signed it: pass that CA certificate instead"),
		functionErrorStep(env, "output \"bundle\" {\n  value = provider::cfaop::origin_trust_bundle(["+hclString(caA.CertPEM)+", null])\n}\n",
			"certificates", "certificates[1] is null"),
	)
}

// The global CA and the trust bundle are known in the same plan, before
// anything is applied.
func TestAccOriginTrustBundleFunction_globalCA(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	functionTest(t, env, resource.TestStep{
		Config: env.config(`
data "cfaop_global_ca" "cloudflare" {}

locals {
  bundle = provider::cfaop::origin_trust_bundle([data.cfaop_global_ca.cloudflare.pem, data.cfaop_global_ca.cloudflare.pem])
}

output "fingerprints_match" {
  # A list equals only a list: a tuple literal needs tolist().
  value = local.bundle.fingerprints == tolist([data.cfaop_global_ca.cloudflare.sha256_fingerprint])
}

output "subject_matches" {
  value = local.bundle.subjects == tolist([data.cfaop_global_ca.cloudflare.subject])
}
`),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectKnownOutputValue("fingerprints_match", knownvalue.Bool(true)),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("fingerprints_match", knownvalue.Bool(true)),
			statecheck.ExpectKnownOutputValue("subject_matches", knownvalue.Bool(true)),
		},
	})
}
