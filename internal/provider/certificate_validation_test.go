package provider

import (
	"context"
	"crypto/elliptic"
	"crypto/x509"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Every certificate and key problem is refused at plan time with its own
// diagnostic, and nothing reaches Cloudflare.
func TestAccCertificate_validationErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	good := testcerts.NewLeaf(t)
	ca := testcerts.NewCA(t, "Client CA")
	signed := testcerts.NewLeaf(t, testcerts.WithIssuer(ca))
	caAsLeaf := testcerts.NewLeaf(t, testcerts.WithIsCA())
	now := time.Now()
	expired := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	future := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(24*time.Hour), now.Add(48*time.Hour)))
	weakRSA := testcerts.NewLeaf(t, testcerts.WithRSA(1024))
	p521 := testcerts.NewLeaf(t, testcerts.WithECDSA(elliptic.P521()))
	other := testcerts.NewLeaf(t)

	cases := []struct {
		name, cert, key, want string
	}{
		{"certificate not PEM", "this is not a certificate", good.KeyPEM, pemcert.SummaryInvalidCertificatePEM},
		{"key given as certificate", good.KeyPEM, good.KeyPEM, "where the certificate was expected"},
		{"chain", testcerts.Chain(signed, ca), signed.KeyPEM, pemcert.SummaryCertificateChain},
		{"CA certificate", caAsLeaf.CertPEM, caAsLeaf.KeyPEM, pemcert.SummaryCACertificate},
		{"expired", expired.CertPEM, expired.KeyPEM, pemcert.SummaryExpired},
		{"not yet valid", future.CertPEM, future.KeyPEM, pemcert.SummaryNotYetValid},
		{"key not PEM", good.CertPEM, "not a key", pemcert.SummaryInvalidKeyPEM},
		{"encrypted key", good.CertPEM, testcerts.Encrypted(t, good), pemcert.SummaryEncryptedKey},
		{"RSA key too small", weakRSA.CertPEM, weakRSA.KeyPEM, pemcert.SummaryUnsupportedKey},
		{"unsupported curve", p521.CertPEM, p521.KeyPEM, pemcert.SummaryUnsupportedKey},
		{"mismatched key", good.CertPEM, other.KeyPEM, pemcert.SummaryKeyDoesNotMatchCertificate},
	}
	// All of them in one configuration: each is refused with its own
	// diagnostic, and nothing is written.
	var refusals []badInput
	for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
		for _, tc := range cases {
			refusals = append(refusals, badInput{name: k.resourceType + "/" + tc.name,
				config: certBody(env, k, tc.cert, "private_key", tc.key, ""), want: []string{tc.want}})
		}
	}
	// The write-only key is checked the same way.
	refusals = append(refusals,
		badInput{name: "write-only mismatched key", want: []string{pemcert.SummaryKeyDoesNotMatchCertificate},
			config: certBody(env, zoneCertKind, good.CertPEM, "private_key_wo", other.KeyPEM, "private_key_wo_version = 1")},
		badInput{name: "both key attributes", want: []string{`Attribute "private_key_wo" cannot be specified when "private_key" is specified`},
			config: certBody(env, zoneCertKind, good.CertPEM, "private_key_wo", good.KeyPEM, fmt.Sprintf("private_key_wo_version = 1\n  private_key = %q", good.KeyPEM))},
		badInput{name: "no key", want: []string{"Missing Private Key"},
			config: fmt.Sprintf("resource \"cfaop_zone_certificate\" \"test\" {\n  zone_id     = %q\n  certificate = %q\n}\n", env.zoneID, good.CertPEM)},
	)
	refusedTogether(t, env, refusals)
}

// A certificate known only at apply is checked before the upload.
func TestAccCertificate_validationOfValuesKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	caAsLeaf := testcerts.NewLeaf(t, testcerts.WithIsCA())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "terraform_data" "pem" {
  input = %q
}

resource "cfaop_hostname_certificate" "test" {
  zone_id     = %q
  certificate = terraform_data.pem.output
  private_key = %q
}
`, caAsLeaf.CertPEM, env.zoneID, caAsLeaf.KeyPEM)),
			ExpectError: wrapped(pemcert.SummaryCACertificate),
			Check:       func(*terraform.State) error { return nil },
		}},
	})
	if env.emu != nil && len(liveCertificates(env, cfapi.HostnameCertificate)) != 0 {
		t.Fatal("a CA certificate known only at apply was uploaded")
	}
}

// Warnings cannot be matched through terraform-plugin-testing, so they are
// checked at the protocol level: validate, configure, then plan.
func TestCertificate_planWarnings(t *testing.T) {
	t.Parallel()
	now := time.Now()
	soon := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(-time.Hour), now.Add(5*24*time.Hour)))
	serverOnly := testcerts.NewLeaf(t, testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	fine := testcerts.NewLeaf(t)
	cases := []struct {
		name string
		pair testcerts.Pair
		want []string
	}{
		{"expires within the warning window", soon, []string{pemcert.SummaryExpiresSoon}},
		{"extended key usage without clientAuth", serverOnly, []string{pemcert.SummaryEKUWithoutClientAuth}},
		{"no warning", fine, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := planWarnings(t, "cfaop_zone_certificate", map[string]tftypes.Value{
				"zone_id":     tftypes.NewValue(tftypes.String, "023e105f4ecef8ad9ca31a8372d0c353"),
				"certificate": tftypes.NewValue(tftypes.String, tc.pair.CertPEM),
				"private_key": tftypes.NewValue(tftypes.String, tc.pair.KeyPEM),
			})
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("warnings %q, want %q", got, tc.want)
			}
		})
	}
}

// planWarnings validates and plans the creation of one resource through the
// provider's protocol server and returns the warning summaries.
func planWarnings(t *testing.T, typeName string, set map[string]tftypes.Value) []string {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objType := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	config := nullObjectWith(objType, set)
	dv, err := tfprotov6.NewDynamicValue(objType, config)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	collect := func(diags []*tfprotov6.Diagnostic) {
		for _, d := range diags {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("unexpected error: %s: %s", d.Summary, d.Detail)
			}
			warnings = append(warnings, d.Summary)
		}
	}
	v, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	collect(v.Diagnostics)

	provType := schemas.Provider.ValueType().(tftypes.Object)
	provCfg, _ := tfprotov6.NewDynamicValue(provType, nullObjectWith(provType, map[string]tftypes.Value{
		"api_token": tftypes.NewValue(tftypes.String, testAPIToken),
		"base_url":  tftypes.NewValue(tftypes.String, "http://127.0.0.1:9/client/v4"),
		// Nothing listens there: the plan-time reads fail at once instead
		// of after the retries, which add nothing but time here.
		"max_retries": tftypes.NewValue(tftypes.Number, 0),
	}))
	c, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &provCfg})
	if err != nil {
		t.Fatal(err)
	}
	collect(c.Diagnostics)

	// The proposed new state is the configuration with computed values unknown.
	proposedVals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		if v, ok := set[name]; ok {
			proposedVals[name] = v
		} else if name == "timeouts" || name == "private_key_wo" || name == "private_key_wo_version" {
			proposedVals[name] = tftypes.NewValue(typ, nil)
		} else {
			proposedVals[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		}
	}
	proposed, _ := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, proposedVals))
	prior, _ := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, nil))
	p, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, Config: &dv, ProposedNewState: &proposed, PriorState: &prior,
	})
	if err != nil {
		t.Fatal(err)
	}
	collect(p.Diagnostics)
	return warnings
}

func nullObjectWith(objType tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(typ, nil)
		}
	}
	return tftypes.NewValue(objType, vals)
}

// A Terraform that supports write-only attributes is pointed from
// private_key to private_key_wo; a configuration that already uses the
// write-only key, or a Terraform without them, gets no such warning.
func TestCertificate_preferWriteOnlyKey(t *testing.T) {
	t.Parallel()
	pair := testcerts.NewLeaf(t)
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objType := schemas.ResourceSchemas["cfaop_zone_certificate"].ValueType().(tftypes.Object)
	base := map[string]tftypes.Value{
		"zone_id":     tftypes.NewValue(tftypes.String, "023e105f4ecef8ad9ca31a8372d0c353"),
		"certificate": tftypes.NewValue(tftypes.String, pair.CertPEM),
	}
	with := func(attrs map[string]tftypes.Value) tftypes.Value {
		set := maps.Clone(base)
		maps.Copy(set, attrs)
		return nullObjectWith(objType, set)
	}
	stored := with(map[string]tftypes.Value{"private_key": tftypes.NewValue(tftypes.String, pair.KeyPEM)})
	writeOnly := with(map[string]tftypes.Value{
		"private_key_wo":         tftypes.NewValue(tftypes.String, pair.KeyPEM),
		"private_key_wo_version": tftypes.NewValue(tftypes.Number, 1),
	})
	for _, tc := range []struct {
		name      string
		config    tftypes.Value
		writeOnly bool
		want      string
	}{
		{"private_key where write-only attributes work", stored, true, "Available Write-Only Attribute Alternative"},
		{"private_key on an older Terraform", stored, false, ""},
		{"private_key_wo", writeOnly, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dv, err := tfprotov6.NewDynamicValue(objType, tc.config)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
				TypeName: "cfaop_zone_certificate", Config: &dv,
				ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: tc.writeOnly},
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range resp.Diagnostics {
				got = append(got, d.Summary)
			}
			if strings.Join(got, "|") != tc.want {
				t.Fatalf("diagnostics %q, want %q", got, tc.want)
			}
		})
	}
}
