package pemcert_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The committed corpus under testdata/fuzz holds certificates and garbage
// only. Keys are added here at run time so that no key is ever committed.

// summaryOf is the expected summary for each code, written out independently
// of the package's own table so that a miswired entry is caught.
var summaryOf = map[string]string{
	pemcert.CodeNotPEM:               pemcert.SummaryInvalidCertificatePEM,
	pemcert.CodeMultipleCertificates: pemcert.SummaryCertificateChain,
	pemcert.CodeCACertificate:        pemcert.SummaryCACertificate,
	pemcert.CodeExpired:              pemcert.SummaryExpired,
	pemcert.CodeNotYetValid:          pemcert.SummaryNotYetValid,
	pemcert.CodeExpiresSoon:          pemcert.SummaryExpiresSoon,
	pemcert.CodeEKUWithoutClientAuth: pemcert.SummaryEKUWithoutClientAuth,
	pemcert.CodeKeyUnparsable:        pemcert.SummaryInvalidKeyPEM,
	pemcert.CodeKeyEncrypted:         pemcert.SummaryEncryptedKey,
	pemcert.CodeKeyUnsupported:       pemcert.SummaryUnsupportedKey,
	pemcert.CodeKeyMismatch:          pemcert.SummaryKeyDoesNotMatchCertificate,
}

func checkWellFormed(t *testing.T, fs []pemcert.Finding) {
	t.Helper()
	for _, f := range fs {
		if want, ok := summaryOf[f.Code]; !ok || f.Summary != want {
			t.Fatalf("finding %q has summary %q, want %q", f.Code, f.Summary, want)
		}
		if f.Detail == "" {
			t.Fatalf("finding %q has no detail", f.Code)
		}
	}
}

func FuzzParseLeaf(f *testing.F) {
	ed := testcerts.MustLeaf(testcerts.WithEd25519())
	f.Add(ed.CertPEM)
	f.Add(ed.KeyPEM)
	f.Add(ed.CertPEM + ed.KeyPEM)
	f.Fuzz(func(t *testing.T, s string) {
		cert, err := pemcert.ParseLeaf(s)
		if err != nil {
			if cert != nil {
				t.Fatal("certificate returned with an error")
			}
			for _, sentinel := range []error{pemcert.ErrNotPEM, pemcert.ErrNoCertificate, pemcert.ErrPrivateKeyInCertificate,
				pemcert.ErrMultipleCertificates, pemcert.ErrInvalidCertificate} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("error %v wraps no sentinel", err)
		}
		der, err := pemcert.CanonicalDER(s)
		if err != nil || !bytes.Equal(der, cert.Raw) {
			t.Fatalf("CanonicalDER disagrees with ParseLeaf: %v", err)
		}
		if !pemcert.SemanticallyEqual(s, s) {
			t.Fatal("a parsable certificate is not equal to itself")
		}
		if info := pemcert.Describe(cert); info.SHA256Fingerprint != pemcert.SHA256Fingerprint(cert) {
			t.Fatal("Describe fingerprint differs")
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	rsaPair := testcerts.MustLeaf(testcerts.WithRSA(2048))
	ec := testcerts.MustLeaf()
	for _, s := range []string{
		rsaPair.KeyPEM,
		ec.KeyPEM,
		testcerts.PKCS1(f, rsaPair),
		testcerts.SEC1(f, ec),
		testcerts.Encrypted(f, ec),
		testcerts.MustLeaf(testcerts.WithEd25519()).KeyPEM,
		ec.CertPEM + ec.KeyPEM,
		// Block types the parser treats specially, so the fuzzer reaches them.
		encodePEM("EC PARAMETERS", []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}),
		encodePEM("OPENSSH PRIVATE KEY", []byte("openssh-key-v1")),
		encodePEM("ENCRYPTED PRIVATE KEY", []byte{0x30, 0x00}),
		encodePEM("RSA PUBLIC KEY", []byte{0x30, 0x00}),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key, err := pemcert.ParsePrivateKey(s)
		findings := pemcert.CheckKey(s)
		checkWellFormed(t, findings)
		if err == nil {
			if key == nil || key.Public() == nil || len(findings) != 0 {
				t.Fatalf("accepted key: key=%v findings=%v", key != nil, codes(findings))
			}
			return
		}
		if key != nil || len(findings) != 1 {
			t.Fatalf("rejected key: key=%v findings=%v", key != nil, codes(findings))
		}
		want := pemcert.CodeKeyUnparsable
		switch {
		case errors.Is(err, pemcert.ErrEncryptedKey):
			want = pemcert.CodeKeyEncrypted
		case errors.Is(err, pemcert.ErrUnsupportedKey):
			want = pemcert.CodeKeyUnsupported
		case errors.Is(err, pemcert.ErrNotPEM), errors.Is(err, pemcert.ErrInvalidKey):
		default:
			t.Fatalf("error %v wraps no sentinel", err)
		}
		if findings[0].Code != want {
			t.Fatalf("error %v reported as %s, want %s", err, findings[0].Code, want)
		}
	})
}

func FuzzCheckCertificate(f *testing.F) {
	rsaPair := testcerts.MustLeaf(testcerts.WithRSA(2048))
	f.Add(rsaPair.CertPEM, time.Now().Unix(), int64(30*24*3600))
	f.Add(rsaPair.CertPEM+rsaPair.KeyPEM, time.Now().Unix(), int64(0))
	f.Fuzz(func(t *testing.T, s string, nowUnix, warnSeconds int64) {
		findings := pemcert.CheckCertificate(s, time.Unix(nowUnix, 0), time.Duration(warnSeconds)*time.Second)
		checkWellFormed(t, findings)
		if _, err := pemcert.ParseLeaf(s); err != nil {
			if len(findings) != 1 || findings[0].Severity != pemcert.SeverityError {
				t.Fatalf("unparsable certificate gave findings %v", codes(findings))
			}
			return
		}
		seen := map[string]bool{}
		for _, f := range findings {
			switch f.Code {
			case pemcert.CodeCACertificate, pemcert.CodeExpired, pemcert.CodeNotYetValid,
				pemcert.CodeExpiresSoon, pemcert.CodeEKUWithoutClientAuth:
			default:
				t.Fatalf("parsable certificate gave %s", f.Code)
			}
			if seen[f.Code] {
				t.Fatalf("%s reported twice", f.Code)
			}
			seen[f.Code] = true
		}
		if seen[pemcert.CodeExpired] && seen[pemcert.CodeExpiresSoon] {
			t.Fatal("both expired and expiring soon")
		}
	})
}

func FuzzSemanticallyEqual(f *testing.F) {
	leaf := testcerts.MustLeaf(testcerts.WithEd25519())
	f.Add(leaf.CertPEM, withCRLF(leaf.CertPEM))
	f.Fuzz(func(t *testing.T, a, b string) {
		eq := pemcert.SemanticallyEqual(a, b)
		if eq != pemcert.SemanticallyEqual(b, a) {
			t.Fatal("not symmetric")
		}
		_, errA := pemcert.CanonicalDER(a)
		selfEq := pemcert.SemanticallyEqual(a, a)
		if selfEq != (errA == nil) {
			t.Fatalf("SemanticallyEqual(a, a) = %v but CanonicalDER error = %v", selfEq, errA)
		}
		if eq && !selfEq {
			t.Fatal("a equals b but not itself")
		}
		if pemcert.SemanticallyEqual(a, indented(a, " \t")) != selfEq {
			t.Fatal("indentation changed the result")
		}
		if !strings.Contains(a, "\r") && pemcert.SemanticallyEqual(a, withCRLF(a)) != selfEq {
			t.Fatal("CRLF line endings changed the result")
		}
	})
}
