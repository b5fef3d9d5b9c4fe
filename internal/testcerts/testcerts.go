// Package testcerts creates certificates and keys at run time, so tests never
// need committed key material.
//
// The testing.TB functions fail the test on error; MustLeaf and MustCA panic
// instead, for generators and benchmarks that run outside a test.
package testcerts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"
)

// Pair is a certificate with its private key. KeyPEM is PKCS#8.
type Pair struct {
	CertPEM string
	KeyPEM  string
	Cert    *x509.Certificate
	Key     crypto.Signer
}

// DefaultCN is the common name of a leaf created without WithCN.
const DefaultCN = "client.example.com"

type keyKind int

const (
	keyECDSA keyKind = iota
	keyRSA
	keyEd25519
)

type config struct {
	issuer    *Pair
	cn        string
	notBefore time.Time
	notAfter  time.Time
	kind      keyKind
	rsaBits   int
	curve     elliptic.Curve
	eku       []x509.ExtKeyUsage
	isCA      bool
	dnsNames  []string
	key       crypto.Signer
}

// Option changes a certificate made by NewLeaf or MustLeaf.
type Option func(*config)

// WithIssuer signs the certificate with ca instead of self-signing it.
func WithIssuer(ca Pair) Option { return func(c *config) { c.issuer = &ca } }

// WithCN sets the subject common name.
func WithCN(cn string) Option { return func(c *config) { c.cn = cn } }

// WithValidity sets the validity period; it may lie in the past or future.
func WithValidity(notBefore, notAfter time.Time) Option {
	return func(c *config) { c.notBefore, c.notAfter = notBefore, notAfter }
}

// WithRSA uses an RSA key of the given size. Sizes below 1024 fail because
// crypto/rsa refuses them unless GODEBUG=rsa1024min=0.
func WithRSA(bits int) Option { return func(c *config) { c.kind, c.rsaBits = keyRSA, bits } }

// WithECDSA uses an ECDSA key on curve instead of the default P-256.
func WithECDSA(curve elliptic.Curve) Option {
	return func(c *config) { c.kind, c.curve = keyECDSA, curve }
}

// WithKey uses key instead of generating one, e.g. an RSA key that several
// certificates share because generating it is slow.
func WithKey(key crypto.Signer) Option { return func(c *config) { c.key = key } }

// WithEd25519 uses an Ed25519 key.
func WithEd25519() Option { return func(c *config) { c.kind = keyEd25519 } }

// WithEKU replaces the extended key usages (default clientAuth).
func WithEKU(usages ...x509.ExtKeyUsage) Option {
	return func(c *config) { c.eku = append([]x509.ExtKeyUsage(nil), usages...) }
}

// WithNoEKU omits the extended key usage extension.
func WithNoEKU() Option { return func(c *config) { c.eku = nil } }

// WithDNSNames sets the subject alternative names, for server certificates.
func WithDNSNames(names ...string) Option { return func(c *config) { c.dnsNames = names } }

// WithIsCA marks the certificate CA:TRUE and lets it sign certificates.
func WithIsCA() Option { return func(c *config) { c.isCA = true } }

// NewLeaf creates a certificate. Without options it is a self-signed ECDSA
// P-256 certificate for DefaultCN, valid from an hour ago for 365 days, with
// extended key usage clientAuth and CA:FALSE.
func NewLeaf(t testing.TB, opts ...Option) Pair {
	t.Helper()
	p, err := newLeaf(opts)
	if err != nil {
		t.Fatalf("testcerts: %v", err)
	}
	return p
}

// NewCA creates a self-signed ECDSA P-256 CA certificate valid from an hour
// ago for ten years, without extended key usage.
func NewCA(t testing.TB, cn string) Pair {
	t.Helper()
	p, err := newCA(cn)
	if err != nil {
		t.Fatalf("testcerts: %v", err)
	}
	return p
}

// Leaf is NewLeaf for use outside tests; it returns the error.
func Leaf(opts ...Option) (Pair, error) {
	p, err := newLeaf(opts)
	if err != nil {
		return Pair{}, fmt.Errorf("testcerts: %w", err)
	}
	return p, nil
}

// MustLeaf is NewLeaf for use outside tests; it panics on error.
func MustLeaf(opts ...Option) Pair {
	p, err := Leaf(opts...)
	if err != nil {
		panic(err.Error())
	}
	return p
}

// MustCA is NewCA for use outside tests; it panics on error.
func MustCA(cn string) Pair {
	p, err := newCA(cn)
	if err != nil {
		panic("testcerts: " + err.Error())
	}
	return p
}

func newLeaf(opts []Option) (Pair, error) {
	now := time.Now()
	c := config{
		cn:        DefaultCN,
		notBefore: now.Add(-time.Hour),
		notAfter:  now.Add(365 * 24 * time.Hour),
		curve:     elliptic.P256(),
		eku:       []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, o := range opts {
		o(&c)
	}
	return create(c)
}

func newCA(cn string) (Pair, error) {
	now := time.Now()
	return create(config{
		cn:        cn,
		notBefore: now.Add(-time.Hour),
		notAfter:  now.Add(10 * 365 * 24 * time.Hour),
		curve:     elliptic.P256(),
		isCA:      true,
	})
}

func create(c config) (Pair, error) {
	key, err := generateKey(c)
	if err != nil {
		return Pair{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return Pair{}, fmt.Errorf("serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)), // never zero
		Subject:               pkix.Name{CommonName: c.cn, Organization: []string{"cfaop test"}},
		NotBefore:             c.notBefore,
		NotAfter:              c.notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           c.eku,
		BasicConstraintsValid: true,
		IsCA:                  c.isCA,
		DNSNames:              c.dnsNames,
	}
	if c.isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	parent, signer := tmpl, key
	if c.issuer != nil {
		if c.issuer.Cert == nil || c.issuer.Key == nil {
			return Pair{}, errors.New("WithIssuer: the issuer has no certificate or key")
		}
		parent, signer = c.issuer.Cert, c.issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return Pair{}, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Pair{}, fmt.Errorf("parse created certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Pair{}, fmt.Errorf("marshal key: %w", err)
	}
	return Pair{
		CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
		Cert:    cert,
		Key:     key,
	}, nil
}

func generateKey(c config) (crypto.Signer, error) {
	if c.key != nil {
		return c.key, nil
	}
	var key crypto.Signer
	var err error
	switch c.kind {
	case keyRSA:
		key, err = rsa.GenerateKey(rand.Reader, c.rsaBits)
	case keyEd25519:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		key, err = ecdsa.GenerateKey(c.curve, rand.Reader)
	}
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return key, nil
}
