package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The framework logs String() of custom-typed values at TRACE; fmt prints it
// too. No way of printing a private key value may show a line of the key, in
// its own form or PKCS#8.
func TestPrivateKeyPEM_neverPrintsTheKey(t *testing.T) {
	t.Parallel()
	for name, pair := range map[string]testcerts.Pair{
		"RSA":     testcerts.MustLeaf(testcerts.WithRSA(2048)),
		"ECDSA":   testcerts.MustLeaf(),
		"Ed25519": testcerts.MustLeaf(testcerts.WithEd25519()),
	} {
		t.Run(name, func(t *testing.T) {
			for _, keyPEM := range []string{pair.KeyPEM, testcerts.PKCS8(t, pair)} {
				v := privateKeyPEM{StringValue: types.StringValue(keyPEM)}
				fromTerraform, err := privateKeyPEMType{}.ValueFromTerraform(context.Background(), tftypes.NewValue(tftypes.String, keyPEM))
				if err != nil {
					t.Fatal(err)
				}
				printed := []string{v.String(), fromTerraform.String(), fmt.Sprint(v), fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)}
				for n, line := range strings.Split(keyPEM, "\n") {
					if line == "" || strings.HasPrefix(line, "-----") {
						continue
					}
					for i, p := range printed {
						if strings.Contains(p, line) {
							// Neither the line nor the printed text is shown: test output is a log too.
							t.Fatalf("printing %d of the key value holds line %d of the key", i, n)
						}
					}
				}
				if v.String() != redactedPrivateKey {
					t.Errorf("String() = %s, want %s", v.String(), redactedPrivateKey)
				}
				if v.ValueString() != keyPEM {
					t.Error("ValueString() must still return the key")
				}
			}
		})
	}
	if got := (privateKeyPEM{StringValue: types.StringNull()}).String(); got != "<null>" {
		t.Errorf("null key prints %q, want <null>", got)
	}
	if got := (privateKeyPEM{StringValue: types.StringUnknown()}).String(); got != "<unknown>" {
		t.Errorf("unknown key prints %q, want <unknown>", got)
	}
}

// Certificates are public and keep printing as strings do.
func TestCertificatePEM_printsAsAString(t *testing.T) {
	t.Parallel()
	pair := testcerts.MustLeaf()
	v := certificatePEM{StringValue: types.StringValue(pair.CertPEM)}
	if got, want := v.String(), types.StringValue(pair.CertPEM).String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
