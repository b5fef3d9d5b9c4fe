package testcerts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewLeafDefaults(t *testing.T) {
	start := time.Now()
	p := NewLeaf(t)

	if p.Cert.Subject.CommonName != DefaultCN {
		t.Errorf("CN = %q, want %q", p.Cert.Subject.CommonName, DefaultCN)
	}
	k, ok := p.Key.(*ecdsa.PrivateKey)
	if !ok || k.Curve != elliptic.P256() {
		t.Errorf("key = %T, want ECDSA P-256", p.Key)
	}
	if p.Cert.IsCA || !p.Cert.BasicConstraintsValid {
		t.Errorf("IsCA = %v, BasicConstraintsValid = %v; want CA:FALSE", p.Cert.IsCA, p.Cert.BasicConstraintsValid)
	}
	if !slices.Equal(p.Cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
		t.Errorf("ExtKeyUsage = %v, want clientAuth", p.Cert.ExtKeyUsage)
	}
	if err := p.Cert.CheckSignature(p.Cert.SignatureAlgorithm, p.Cert.RawTBSCertificate, p.Cert.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if nb := start.Add(-time.Hour); p.Cert.NotBefore.After(nb) || p.Cert.NotBefore.Before(nb.Add(-2*time.Second)) {
		t.Errorf("NotBefore = %v, want about %v", p.Cert.NotBefore, nb)
	}
	if na := start.Add(365 * 24 * time.Hour); p.Cert.NotAfter.Before(na.Add(-2*time.Second)) || p.Cert.NotAfter.After(na.Add(2*time.Second)) {
		t.Errorf("NotAfter = %v, want about %v", p.Cert.NotAfter, na)
	}
	assertConsistent(t, p)
}

func TestNewCA(t *testing.T) {
	ca := NewCA(t, "Example Test CA")
	if !ca.Cert.IsCA || ca.Cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("IsCA = %v, KeyUsage = %v; want a CA that can sign", ca.Cert.IsCA, ca.Cert.KeyUsage)
	}
	if ca.Cert.Subject.CommonName != "Example Test CA" {
		t.Errorf("CN = %q", ca.Cert.Subject.CommonName)
	}
	if len(ca.Cert.ExtKeyUsage) != 0 {
		t.Errorf("ExtKeyUsage = %v, want none", ca.Cert.ExtKeyUsage)
	}
	assertConsistent(t, ca)
}

func TestNewLeafOptions(t *testing.T) {
	ca := NewCA(t, "Example Test CA")
	notBefore := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	notAfter := time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC)

	tests := []struct {
		name  string
		opts  []Option
		check func(t *testing.T, p Pair)
	}{
		{"issuer", []Option{WithIssuer(ca)}, func(t *testing.T, p Pair) {
			if err := p.Cert.CheckSignatureFrom(ca.Cert); err != nil {
				t.Errorf("not signed by the CA: %v", err)
			}
			pool := x509.NewCertPool()
			pool.AddCert(ca.Cert)
			_, err := p.Cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			if err != nil {
				t.Errorf("does not verify as a client certificate: %v", err)
			}
		}},
		{"cn", []Option{WithCN("origin-pull.example.net")}, func(t *testing.T, p Pair) {
			if p.Cert.Subject.CommonName != "origin-pull.example.net" {
				t.Errorf("CN = %q", p.Cert.Subject.CommonName)
			}
		}},
		{"validity", []Option{WithValidity(notBefore, notAfter)}, func(t *testing.T, p Pair) {
			if !p.Cert.NotBefore.Equal(notBefore) || !p.Cert.NotAfter.Equal(notAfter) {
				t.Errorf("validity = %v..%v", p.Cert.NotBefore, p.Cert.NotAfter)
			}
		}},
		{"rsa", []Option{WithRSA(1024)}, func(t *testing.T, p Pair) {
			if k, ok := p.Key.(*rsa.PrivateKey); !ok || k.N.BitLen() != 1024 {
				t.Errorf("key = %T, want RSA 1024", p.Key)
			}
		}},
		{"ecdsa p384", []Option{WithECDSA(elliptic.P384())}, func(t *testing.T, p Pair) {
			if k, ok := p.Key.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P384() {
				t.Errorf("key = %T, want ECDSA P-384", p.Key)
			}
		}},
		{"ed25519", []Option{WithEd25519()}, func(t *testing.T, p Pair) {
			if _, ok := p.Key.(ed25519.PrivateKey); !ok {
				t.Errorf("key = %T, want Ed25519", p.Key)
			}
		}},
		{"eku", []Option{WithEKU(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning)}, func(t *testing.T, p Pair) {
			want := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning}
			if !slices.Equal(p.Cert.ExtKeyUsage, want) {
				t.Errorf("ExtKeyUsage = %v, want %v", p.Cert.ExtKeyUsage, want)
			}
		}},
		{"no eku", []Option{WithNoEKU()}, func(t *testing.T, p Pair) {
			if len(p.Cert.ExtKeyUsage) != 0 || len(p.Cert.UnknownExtKeyUsage) != 0 {
				t.Errorf("ExtKeyUsage = %v, want none", p.Cert.ExtKeyUsage)
			}
		}},
		{"is ca", []Option{WithIsCA()}, func(t *testing.T, p Pair) {
			if !p.Cert.IsCA {
				t.Error("IsCA = false")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewLeaf(t, tt.opts...)
			tt.check(t, p)
			assertConsistent(t, p)
		})
	}
}

func TestMust(t *testing.T) {
	ca := MustCA("Must CA")
	leaf := MustLeaf(WithIssuer(ca), WithCN("must.example.com"))
	if err := leaf.Cert.CheckSignatureFrom(ca.Cert); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustLeaf with an issuer lacking a key did not panic")
		}
	}()
	MustLeaf(WithIssuer(Pair{Cert: ca.Cert}))
}

func TestChain(t *testing.T) {
	ca := NewCA(t, "Chain CA")
	leaf := NewLeaf(t, WithIssuer(ca))
	rest := []byte(Chain(leaf, ca))
	var got []string
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Subject.CommonName)
	}
	if want := []string{DefaultCN, "Chain CA"}; !slices.Equal(got, want) {
		t.Errorf("chain = %v, want %v", got, want)
	}
}

func TestKeyEncodings(t *testing.T) {
	rsaPair := NewLeaf(t, WithRSA(1024))
	ecPair := NewLeaf(t)
	edPair := NewLeaf(t, WithEd25519())

	decode := func(t *testing.T, s, wantType string) *pem.Block {
		t.Helper()
		b, rest := pem.Decode([]byte(s))
		if b == nil || b.Type != wantType || strings.TrimSpace(string(rest)) != "" {
			t.Fatalf("want one %q block, got %q", wantType, s)
		}
		return b
	}
	t.Run("pkcs1", func(t *testing.T) {
		k, err := x509.ParsePKCS1PrivateKey(decode(t, PKCS1(t, rsaPair), "RSA PRIVATE KEY").Bytes)
		if err != nil || !k.Equal(rsaPair.Key) {
			t.Errorf("round trip: %v", err)
		}
	})
	t.Run("pkcs8", func(t *testing.T) {
		for _, p := range []Pair{rsaPair, ecPair, edPair} {
			k, err := x509.ParsePKCS8PrivateKey(decode(t, PKCS8(t, p), "PRIVATE KEY").Bytes)
			if err != nil || !k.(interface{ Equal(crypto.PrivateKey) bool }).Equal(p.Key) {
				t.Errorf("%T round trip: %v", p.Key, err)
			}
		}
	})
	t.Run("sec1", func(t *testing.T) {
		k, err := x509.ParseECPrivateKey(decode(t, SEC1(t, ecPair), "EC PRIVATE KEY").Bytes)
		if err != nil || !k.Equal(ecPair.Key) {
			t.Errorf("round trip: %v", err)
		}
	})
	t.Run("encrypted", func(t *testing.T) {
		for _, tc := range []struct {
			p        Pair
			wantType string
			parse    func([]byte) (any, error)
		}{
			{rsaPair, "RSA PRIVATE KEY", func(d []byte) (any, error) { return x509.ParsePKCS1PrivateKey(d) }},
			{ecPair, "EC PRIVATE KEY", func(d []byte) (any, error) { return x509.ParseECPrivateKey(d) }},
			{edPair, "PRIVATE KEY", x509.ParsePKCS8PrivateKey},
		} {
			b := decode(t, Encrypted(t, tc.p), tc.wantType)
			if b.Headers["Proc-Type"] != "4,ENCRYPTED" {
				t.Errorf("%s: Proc-Type = %q", tc.wantType, b.Headers["Proc-Type"])
			}
			//nolint:staticcheck // SA1019: reading back the legacy format Encrypted writes.
			der, err := x509.DecryptPEMBlock(b, []byte(Passphrase))
			if err != nil {
				t.Fatalf("%s: decrypt: %v", tc.wantType, err)
			}
			k, err := tc.parse(der)
			if err != nil || !k.(interface{ Equal(crypto.PrivateKey) bool }).Equal(tc.p.Key) {
				t.Errorf("%s: round trip: %v", tc.wantType, err)
			}
		}
	})
	t.Run("wrong key type", func(t *testing.T) {
		if _, err := pkcs1Block(ecPair); err == nil {
			t.Error("PKCS#1 of an ECDSA key: want an error")
		}
		if _, err := sec1Block(rsaPair); err == nil {
			t.Error("SEC1 of an RSA key: want an error")
		}
	})
}

// assertConsistent checks that the PEM fields encode the parsed fields.
func assertConsistent(t *testing.T, p Pair) {
	t.Helper()
	b, _ := pem.Decode([]byte(p.CertPEM))
	if b == nil || b.Type != "CERTIFICATE" || string(b.Bytes) != string(p.Cert.Raw) {
		t.Error("CertPEM does not encode Cert")
	}
	kb, _ := pem.Decode([]byte(p.KeyPEM))
	if kb == nil || kb.Type != "PRIVATE KEY" {
		t.Fatal("KeyPEM is not a PKCS#8 block")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil || !k.(interface{ Equal(crypto.PrivateKey) bool }).Equal(p.Key) {
		t.Errorf("KeyPEM does not encode Key: %v", err)
	}
	if !p.Key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(p.Cert.PublicKey) {
		t.Error("Key does not match Cert")
	}
}

// WithKey signs with the given key: two certificates share it, and stay two
// certificates.
func TestWithKey(t *testing.T) {
	t.Parallel()
	a := NewLeaf(t, WithRSA(2048))
	b := NewLeaf(t, WithKey(a.Key), WithCN("b.example.com"))
	if b.Key != a.Key || b.KeyPEM != a.KeyPEM {
		t.Fatal("WithKey did not use the given key")
	}
	if b.CertPEM == a.CertPEM || !a.Cert.PublicKey.(*rsa.PublicKey).Equal(b.Cert.PublicKey) {
		t.Fatal("the second certificate should differ from the first and hold the same public key")
	}
}
