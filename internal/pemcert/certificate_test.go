package pemcert_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

func TestParseSingleCertificate(t *testing.T) {
	t.Parallel()
	root := ca()
	tests := []struct {
		name    string
		in      string
		wantErr error
	}{
		{"certificate", root.CertPEM, nil},
		{"crlf and indentation", indented(withCRLF(root.CertPEM), "  "), nil},
		{"text around", "Cloudflare origin-pull CA\n" + root.CertPEM + "\n", nil},
		{"empty", "", pemcert.ErrNotPEM},
		{"html", "<html>not a certificate</html>", pemcert.ErrNotPEM},
		{"with unrelated block", root.CertPEM + encodePEM("X509 CRL", []byte{1, 2, 3}), pemcert.ErrOtherBlock},
		{"with key", root.CertPEM + root.KeyPEM, pemcert.ErrOtherBlock},
		{"chain", testcerts.Chain(issued(), root), pemcert.ErrMultipleCertificates},
		{"corrupt", encodePEM("CERTIFICATE", []byte("definitely not DER")), pemcert.ErrInvalidCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := pemcert.ParseSingleCertificate(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !bytes.Equal(cert.Raw, root.Cert.Raw) {
				t.Fatal("parsed a different certificate")
			}
		})
	}
}

func TestParseLeaf(t *testing.T) {
	t.Parallel()
	leaf := ecLeaf()
	tests := []struct {
		name    string
		in      string
		wantErr error
	}{
		{"leaf", leaf.CertPEM, nil},
		{"crlf", withCRLF(leaf.CertPEM), nil},
		{"indented", indented(leaf.CertPEM, "    "), nil},
		{"tabs and trailing spaces", strings.ReplaceAll(indented(leaf.CertPEM, "\t"), "\n", "  \n"), nil},
		{"no trailing newline", strings.TrimRight(leaf.CertPEM, "\n"), nil},
		{"byte order mark", "\uFEFF" + leaf.CertPEM, nil},
		{"text around", "Certificate:\n    Subject: CN=client.example.com\n" + leaf.CertPEM + "\ntrailer\n", nil},
		{"with unrelated block", leaf.CertPEM + encodePEM("X509 CRL", []byte{1, 2, 3}), nil},
		{"empty", "", pemcert.ErrNotPEM},
		{"garbage", "not a certificate", pemcert.ErrNotPEM},
		{"key", leaf.KeyPEM, pemcert.ErrPrivateKeyInCertificate},
		{"certificate and key", leaf.CertPEM + leaf.KeyPEM, pemcert.ErrPrivateKeyInCertificate},
		{"other block", encodePEM("PUBLIC KEY", []byte{1, 2, 3}), pemcert.ErrNoCertificate},
		{"chain", testcerts.Chain(issued(), ca()), pemcert.ErrMultipleCertificates},
		{"corrupt", encodePEM("CERTIFICATE", []byte("definitely not DER")), pemcert.ErrInvalidCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := pemcert.ParseLeaf(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !bytes.Equal(cert.Raw, leaf.Cert.Raw) {
				t.Error("parsed a different certificate")
			}
			if tt.wantErr != nil && cert != nil {
				t.Error("returned a certificate with an error")
			}
		})
	}
}

func TestCanonicalDER(t *testing.T) {
	t.Parallel()
	leaf, c := issued(), ca()
	tests := []struct {
		name    string
		in      string
		want    []byte
		wantErr error
	}{
		{"leaf", leaf.CertPEM, leaf.Cert.Raw, nil},
		{"chain in order", testcerts.Chain(leaf, c), append(append([]byte{}, leaf.Cert.Raw...), c.Cert.Raw...), nil},
		{"key blocks ignored", leaf.CertPEM + leaf.KeyPEM, leaf.Cert.Raw, nil},
		{"empty", "", nil, pemcert.ErrNotPEM},
		{"key only", leaf.KeyPEM, nil, pemcert.ErrNoCertificate},
		{"corrupt block in chain", leaf.CertPEM + encodePEM("CERTIFICATE", []byte{0x30, 0x00}), nil, pemcert.ErrInvalidCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pemcert.CanonicalDER(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("DER differs: got %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

func TestSemanticallyEqual(t *testing.T) {
	t.Parallel()
	a, b := ecLeaf().CertPEM, ecOther().CertPEM
	chain := testcerts.Chain(issued(), ca())
	tests := []struct {
		name string
		x, y string
		want bool
	}{
		{"identical", a, a, true},
		{"crlf", a, withCRLF(a), true},
		{"indentation", a, indented(a, "  "), true},
		{"trailing newline removed", a, strings.TrimSuffix(a, "\n"), true},
		{"extra trailing newlines", a, a + "\n\n\n", true},
		{"leading text", a, "# client certificate\n" + a, true},
		{"leading blank lines and spaces", a, "\n\n   " + a, true},
		{"byte order mark", a, "\uFEFF" + a, true},
		{"chain reformatted", chain, withCRLF(indented(chain, "\t")), true},
		{"different certificates", a, b, false},
		{"chain and its leaf", chain, issued().CertPEM, false},
		{"chain order matters", chain, ca().CertPEM + issued().CertPEM, false},
		{"equal garbage", "garbage", "garbage", false},
		{"empty", "", "", false},
		{"one side empty", a, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pemcert.SemanticallyEqual(tt.x, tt.y); got != tt.want {
				t.Errorf("SemanticallyEqual(x, y) = %v, want %v", got, tt.want)
			}
			if got := pemcert.SemanticallyEqual(tt.y, tt.x); got != tt.want {
				t.Errorf("SemanticallyEqual(y, x) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFingerprints(t *testing.T) {
	t.Parallel()
	cert := ecLeaf().Cert
	sum := sha256.Sum256(cert.Raw)

	plain := pemcert.SHA256Fingerprint(cert)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(plain) {
		t.Errorf("SHA256Fingerprint = %q, want 64 lowercase hex digits", plain)
	}
	if plain != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256Fingerprint = %q, want the SHA-256 of the DER", plain)
	}

	if pemcert.SHA256Fingerprint(nil) != "" {
		t.Error("nil certificate: want an empty fingerprint")
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	leaf, c := issued(), ca()
	got := pemcert.Describe(leaf.Cert)
	want := pemcert.Info{
		Subject:            "CN=issued.example.com,O=cfaop test",
		Issuer:             "CN=Example Origin Pull CA,O=cfaop test",
		SerialNumber:       leaf.Cert.SerialNumber.String(),
		NotBefore:          leaf.Cert.NotBefore,
		NotAfter:           leaf.Cert.NotAfter,
		SignatureAlgorithm: x509.ECDSAWithSHA256.String(),
		SHA256Fingerprint:  pemcert.SHA256Fingerprint(leaf.Cert),
		IsCA:               false,
	}
	if got != want {
		t.Errorf("Describe(leaf) =\n%+v\nwant\n%+v", got, want)
	}
	if !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(got.SerialNumber) {
		t.Errorf("SerialNumber = %q, want a decimal number", got.SerialNumber)
	}
	if !pemcert.Describe(c.Cert).IsCA {
		t.Error("Describe(ca).IsCA = false")
	}
	if pemcert.Describe(nil) != (pemcert.Info{}) {
		t.Error("Describe(nil) is not the zero Info")
	}
}

func TestUploadKeyPEM(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	messy := "key follows\r\n" + strings.ReplaceAll(p.KeyPEM, "\n", "\r\n  ") + "\n" + p.CertPEM
	got, err := pemcert.UploadKeyPEM(messy)
	if err != nil {
		t.Fatal(err)
	}
	if got != p.KeyPEM {
		t.Fatalf("UploadKeyPEM did not restore the plain key block:\n%q", got)
	}
	if _, err := pemcert.UploadKeyPEM("not a key"); err == nil {
		t.Fatal("want an error for a value without a key")
	}
}
