package testcerts

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"testing"
)

// Passphrase encrypts the keys returned by Encrypted.
const Passphrase = "cfaop-test-passphrase"

// Chain returns the leaf certificate followed by the CA certificate, as a
// bundle file would hold them.
func Chain(leaf, ca Pair) string {
	return leaf.CertPEM + ca.CertPEM
}

// PKCS1 returns p's RSA key as an "RSA PRIVATE KEY" block.
func PKCS1(t testing.TB, p Pair) string {
	t.Helper()
	return mustEncode(t, pkcs1Block, p)
}

// PKCS8 returns p's key as a "PRIVATE KEY" block.
func PKCS8(t testing.TB, p Pair) string {
	t.Helper()
	return mustEncode(t, pkcs8Block, p)
}

// SEC1 returns p's ECDSA key as an "EC PRIVATE KEY" block.
func SEC1(t testing.TB, p Pair) string {
	t.Helper()
	return mustEncode(t, sec1Block, p)
}

// Encrypted returns p's key as a legacy OpenSSL encrypted PEM block
// (Proc-Type: 4,ENCRYPTED) under Passphrase: PKCS#1 for RSA, SEC1 for ECDSA
// and, having no legacy form, PKCS#8 for Ed25519.
func Encrypted(t testing.TB, p Pair) string {
	t.Helper()
	return mustEncode(t, encryptedBlock, p)
}

func mustEncode(t testing.TB, encode func(Pair) (*pem.Block, error), p Pair) string {
	t.Helper()
	b, err := encode(p)
	if err != nil {
		t.Fatalf("testcerts: %v", err)
	}
	return string(pem.EncodeToMemory(b))
}

func pkcs1Block(p Pair) (*pem.Block, error) {
	k, ok := p.Key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("PKCS#1 needs an RSA key, not %T", p.Key)
	}
	return &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}, nil
}

func pkcs8Block(p Pair) (*pem.Block, error) {
	der, err := x509.MarshalPKCS8PrivateKey(p.Key)
	if err != nil {
		return nil, fmt.Errorf("PKCS#8: %w", err)
	}
	return &pem.Block{Type: "PRIVATE KEY", Bytes: der}, nil
}

func sec1Block(p Pair) (*pem.Block, error) {
	k, ok := p.Key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("SEC1 needs an ECDSA key, not %T", p.Key)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("SEC1: %w", err)
	}
	return &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}, nil
}

func encryptedBlock(p Pair) (*pem.Block, error) {
	var plain *pem.Block
	var err error
	switch p.Key.(type) {
	case *rsa.PrivateKey:
		plain, err = pkcs1Block(p)
	case *ecdsa.PrivateKey:
		plain, err = sec1Block(p)
	case ed25519.PrivateKey:
		plain, err = pkcs8Block(p)
	default:
		err = fmt.Errorf("cannot encrypt a %T key", p.Key)
	}
	if err != nil {
		return nil, err
	}
	//nolint:staticcheck // SA1019: deprecated as weak, but users still have such keys and tests must see them refused.
	b, err := x509.EncryptPEMBlock(rand.Reader, plain.Type, plain.Bytes, []byte(Passphrase), x509.PEMCipherAES256)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return b, nil
}
