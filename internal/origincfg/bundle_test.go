package origincfg_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Certificates are generated once per test binary; nothing is committed.
var (
	caA = sync.OnceValue(func() testcerts.Pair { return testcerts.MustCA("cfaop test CA A") })
	caB = sync.OnceValue(func() testcerts.Pair { return testcerts.MustCA("cfaop test CA B") })
	// intermediate is a CA issued by caA.
	intermediate = sync.OnceValue(func() testcerts.Pair {
		return testcerts.MustLeaf(testcerts.WithIssuer(caA()), testcerts.WithIsCA(), testcerts.WithNoEKU(), testcerts.WithCN("cfaop test intermediate"))
	})
	// issued is a client certificate (CA:FALSE) issued by caA.
	issued = sync.OnceValue(func() testcerts.Pair {
		return testcerts.MustLeaf(testcerts.WithIssuer(caA()), testcerts.WithCN("issued.example.com"))
	})
	// selfSigned is a self-signed client certificate (CA:FALSE).
	selfSigned = sync.OnceValue(func() testcerts.Pair { return testcerts.MustLeaf(testcerts.WithCN("self-signed.example.com")) })
	// namesake has the same subject as its issuer caA, but caA signed it.
	namesake = sync.OnceValue(func() testcerts.Pair {
		return testcerts.MustLeaf(testcerts.WithIssuer(caA()), testcerts.WithCN("cfaop test CA A"))
	})
)

func fingerprint(p testcerts.Pair) string {
	sum := sha256.Sum256(p.Cert.Raw)
	return hex.EncodeToString(sum[:])
}

// want is the bundle expected for pairs, built without the code under test.
func want(pairs ...testcerts.Pair) origincfg.Bundle {
	var b origincfg.Bundle
	for _, p := range pairs {
		b.PEM += string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert.Raw}))
		b.Fingerprints = append(b.Fingerprints, fingerprint(p))
		b.Subjects = append(b.Subjects, p.Cert.Subject.String())
	}
	return b
}

func withCRLF(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func indented(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return indent + strings.Join(lines, "\n"+indent) + "\n"
}

func TestTrustBundle(t *testing.T) {
	t.Parallel()
	a, b, inter, self := caA(), caB(), intermediate(), selfSigned()
	tests := []struct {
		name string
		in   []string
		want origincfg.Bundle
	}{
		{"one CA", []string{a.CertPEM}, want(a)},
		{"input order kept", []string{b.CertPEM, a.CertPEM}, want(b, a)},
		{"duplicate across inputs", []string{a.CertPEM, b.CertPEM, a.CertPEM}, want(a, b)},
		{"duplicate within an input", []string{a.CertPEM + a.CertPEM}, want(a)},
		{"CRLF", []string{withCRLF(a.CertPEM)}, want(a)},
		{"CRLF and LF forms are one certificate", []string{a.CertPEM, withCRLF(a.CertPEM)}, want(a)},
		{"indented heredoc", []string{indented(a.CertPEM, "    ")}, want(a)},
		{"no trailing newline", []string{strings.TrimRight(a.CertPEM, "\n")}, want(a)},
		{"byte order mark", []string{"\uFEFF" + a.CertPEM}, want(a)},
		{"text around blocks", []string{"subject=CN=cfaop test CA A\n" + a.CertPEM + "trailer\n"}, want(a)},
		{"several blocks in one input", []string{a.CertPEM + "\n\n" + b.CertPEM}, want(a, b)},
		{"chain of intermediate and root", []string{inter.CertPEM + a.CertPEM}, want(inter, a)},
		{"intermediate alone", []string{inter.CertPEM}, want(inter)},
		{"self-signed client certificate", []string{self.CertPEM}, want(self)},
		{"self-signed client certificate with a CA", []string{a.CertPEM, self.CertPEM}, want(a, self)},
		{"other block types ignored", []string{a.CertPEM + string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{1, 2}}))}, want(a)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := origincfg.TrustBundle(tt.in)
			if err != nil {
				t.Fatalf("TrustBundle: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if !strings.HasSuffix(got.PEM, "-----END CERTIFICATE-----\n") || strings.Contains(got.PEM, "\r") || strings.Contains(got.PEM, "\n\n") {
				t.Errorf("PEM is not canonical:\n%s", got.PEM)
			}
		})
	}
}

func TestTrustBundleErrors(t *testing.T) {
	t.Parallel()
	a, iss := caA(), issued()
	corrupt := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("definitely not DER")}))
	tests := []struct {
		name      string
		in        []string
		wantErr   error
		wantIndex int
		wantText  string // in the detail
	}{
		{"nil", nil, origincfg.ErrNoInput, -1, ""},
		{"empty list", []string{}, origincfg.ErrNoInput, -1, ""},
		{"empty string", []string{""}, origincfg.ErrNoCertificate, 0, "It is empty"},
		{"blank", []string{a.CertPEM, " \n\t"}, origincfg.ErrNoCertificate, 1, "It is empty"},
		{"file name", []string{a.CertPEM, "/etc/ssl/ca.pem"}, origincfg.ErrNoCertificate, 1, `file("...")`},
		{"escaped newlines", []string{strings.ReplaceAll(a.CertPEM, "\n", `\n`)}, origincfg.ErrNoCertificate, 0, `literal "\n"`},
		{"only another block", []string{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}))}, origincfg.ErrNoCertificate, 0, "no PEM CERTIFICATE block"},
		{"corrupt certificate", []string{a.CertPEM, corrupt}, origincfg.ErrInvalidCertificate, 1, "not a valid X.509 certificate"},
		{"corrupt certificate after a good one", []string{a.CertPEM + corrupt}, origincfg.ErrInvalidCertificate, 0, "truncated or corrupted"},
		{"PKCS#8 key alone", []string{iss.KeyPEM}, origincfg.ErrPrivateKey, 0, `"PRIVATE KEY"`},
		{"certificate with its key", []string{a.CertPEM, a.CertPEM + a.KeyPEM}, origincfg.ErrPrivateKey, 1, "only certificates"},
		{"key before certificates", []string{a.KeyPEM + a.CertPEM}, origincfg.ErrPrivateKey, 0, ""},
		{"SEC1 key", []string{testcerts.SEC1(t, iss)}, origincfg.ErrPrivateKey, 0, `"EC PRIVATE KEY"`},
		{"encrypted key", []string{testcerts.Encrypted(t, iss)}, origincfg.ErrPrivateKey, 0, ""},
		{"CRLF key", []string{withCRLF(a.CertPEM + iss.KeyPEM)}, origincfg.ErrPrivateKey, 0, ""},
		{"truncated key", []string{a.CertPEM + "-----BEGIN PRIVATE KEY-----\nMIGH"}, origincfg.ErrPrivateKey, 0, ""},
		{"key wins over a later bad element", []string{a.KeyPEM, "junk"}, origincfg.ErrPrivateKey, 0, ""},
		{"issued client certificate", []string{a.CertPEM, iss.CertPEM}, origincfg.ErrNotTrustAnchor, 1, "needs the CA that signed it"},
		{"full chain with leaf", []string{testcerts.Chain(iss, a)}, origincfg.ErrNotTrustAnchor, 0, "certificate 1 of 2"},
		{"subject equals issuer but signed by another key", []string{namesake().CertPEM}, origincfg.ErrNotTrustAnchor, 0, "not self-signed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := origincfg.TrustBundle(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, origincfg.Bundle{}) {
				t.Errorf("returned a bundle with an error: %+v", got)
			}
			var inErr *origincfg.InputError
			if tt.wantIndex < 0 {
				if errors.As(err, &inErr) {
					t.Errorf("got an InputError for a list problem: %v", err)
				}
				return
			}
			if !errors.As(err, &inErr) {
				t.Fatalf("error %T is not an *InputError", err)
			}
			if inErr.Index != tt.wantIndex {
				t.Errorf("index = %d, want %d", inErr.Index, tt.wantIndex)
			}
			if !strings.Contains(inErr.Detail, tt.wantText) {
				t.Errorf("detail %q does not contain %q", inErr.Detail, tt.wantText)
			}
			for _, in := range tt.in {
				for _, line := range base64Lines(in) {
					if strings.Contains(inErr.Detail, line) || strings.Contains(err.Error(), line) {
						t.Errorf("error repeats PEM content %q", line)
					}
				}
			}
		})
	}
}

// base64Lines returns the body lines of every PEM block in s, key or not.
func base64Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		l = strings.TrimSpace(l)
		if len(l) >= 16 && !strings.HasPrefix(l, "-----") && !strings.Contains(l, ":") {
			out = append(out, l)
		}
	}
	return out
}
