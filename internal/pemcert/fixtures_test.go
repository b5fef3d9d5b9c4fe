package pemcert_test

import (
	"crypto/elliptic"
	"encoding/pem"
	"strings"
	"sync"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Keys are generated once per test binary and shared: RSA generation is the
// slow part of these tests, and the race detector makes it slower.
var (
	ecLeaf  = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf() })
	ecOther = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithCN("other.example.com")) })
	p384    = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithECDSA(elliptic.P384())) })
	p521    = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithECDSA(elliptic.P521())) })
	p224    = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithECDSA(elliptic.P224())) })
	edLeaf  = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithEd25519()) })
	rsaLeaf = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithRSA(2048)) })
	rsa1024 = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithRSA(1024)) })
	ca      = sync.OnceValue(func() testcerts.Pair { return testcerts.MustCA("Example Origin Pull CA") })
	issued  = sync.OnceValue(func() testcerts.Pair {
		return testcerts.MustLeaf(testcerts.WithIssuer(ca()), testcerts.WithCN("issued.example.com"))
	})
)

func encodePEM(blockType string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}))
}

// withCRLF and indented rewrite PEM text the way editors and heredocs do,
// without changing what it encodes.
func withCRLF(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func indented(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return indent + strings.Join(lines, "\n"+indent) + "\n"
}

// bodyLines returns the base64 lines of every PEM block in s.
func bodyLines(s string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "-----BEGIN"):
			in = true
		case strings.HasPrefix(l, "-----END"):
			in = false
		case in && len(l) >= 16 && !strings.Contains(l, ":"):
			out = append(out, l)
		}
	}
	return out
}

// assertNoPEMBody fails when a finding repeats any base64 line of the input.
func assertNoPEMBody(t *testing.T, input string, findings []pemcert.Finding) {
	t.Helper()
	for _, f := range findings {
		for _, l := range bodyLines(input) {
			if strings.Contains(f.Detail, l) || strings.Contains(f.Summary, l) {
				t.Errorf("finding %s repeats PEM content %q", f.Code, l)
			}
		}
	}
}
