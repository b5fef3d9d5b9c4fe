package origincfg_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

// FuzzTrustBundle feeds arbitrary text, split into list elements at NUL, to
// TrustBundle. A result is a well-formed, de-duplicated bundle whose
// fingerprints match its PEM; an error names a valid element and never
// quotes the input's private key.
func FuzzTrustBundle(f *testing.F) {
	f.Add(caA().CertPEM)
	f.Add(caA().CertPEM + "\x00" + caB().CertPEM + "\x00" + caA().CertPEM)
	f.Add("garbage")
	f.Add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	f.Add("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0IGtleSBtYXRlcmlhbA==\n-----END EC PRIVATE KEY-----\n")
	f.Fuzz(func(t *testing.T, joined string) {
		inputs := strings.Split(joined, "\x00")
		b, err := origincfg.TrustBundle(inputs)
		if err != nil {
			var ie *origincfg.InputError
			if errors.As(err, &ie) {
				if ie.Index < 0 || ie.Index >= len(inputs) || ie.Detail == "" {
					t.Fatalf("input error %+v for %d inputs", ie, len(inputs))
				}
				if errors.Is(err, origincfg.ErrPrivateKey) {
					for _, line := range strings.Split(inputs[ie.Index], "\n") {
						if len(line) >= 16 && !strings.HasPrefix(line, "-----") && strings.Contains(ie.Detail+err.Error(), line) {
							t.Fatalf("the error quotes a line of the private key: %q", line)
						}
					}
				}
			}
			return
		}
		rest := []byte(b.PEM)
		seen := map[string]bool{}
		for i := 0; ; i++ {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				if i != len(b.Fingerprints) || len(strings.TrimSpace(string(rest))) != 0 {
					t.Fatalf("bundle has %d blocks and %d fingerprints", i, len(b.Fingerprints))
				}
				break
			}
			sum := sha256.Sum256(block.Bytes)
			fp := hex.EncodeToString(sum[:])
			if block.Type != "CERTIFICATE" || i >= len(b.Fingerprints) || b.Fingerprints[i] != fp || seen[fp] {
				t.Fatalf("block %d: type %q, fingerprint %s (listed %v), duplicate %t", i, block.Type, fp, b.Fingerprints, seen[fp])
			}
			seen[fp] = true
		}
		if len(b.Subjects) != len(b.Fingerprints) {
			t.Fatalf("%d subjects for %d certificates", len(b.Subjects), len(b.Fingerprints))
		}
	})
}

// FuzzVerifyDepth converts any Terraform number: only whole numbers in
// range are accepted, and each renders into both directive sets.
func FuzzVerifyDepth(f *testing.F) {
	for _, v := range []float64{1, 10, 0, 11, 1.5, -1, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsNaN(v) {
			return // big.Float cannot hold NaN; Terraform numbers are never NaN
		}
		depth, err := origincfg.VerifyDepth(big.NewFloat(v))
		want := v == math.Trunc(v) && v >= origincfg.MinVerifyDepth && v <= origincfg.MaxVerifyDepth
		if (err == nil) != want {
			t.Fatalf("VerifyDepth(%v) = %d, %v; want accepted=%t", v, depth, err, want)
		}
		if err != nil {
			return
		}
		for _, render := range []func(string, int) (string, error){origincfg.NginxClientAuth, origincfg.ApacheClientAuth} {
			if _, err := render("/etc/ca.pem", depth); err != nil {
				t.Fatalf("depth %d refused by a renderer: %v", depth, err)
			}
		}
	})
}
