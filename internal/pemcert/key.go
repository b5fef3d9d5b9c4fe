package pemcert

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Errors returned by ParsePrivateKey besides ErrNotPEM; match them with
// errors.Is.
var (
	ErrEncryptedKey   = errors.New("encrypted private keys are not supported")
	ErrUnsupportedKey = errors.New("unsupported private key")
	ErrInvalidKey     = errors.New("invalid private key")
)

const (
	blockPKCS1     = "RSA PRIVATE KEY"
	blockPKCS8     = "PRIVATE KEY"
	blockSEC1      = "EC PRIVATE KEY"
	blockEncrypted = "ENCRYPTED PRIVATE KEY"
	// openssl ecparam -genkey writes this before the key; it is harmless.
	blockECParameters = "EC PARAMETERS"
)

var (
	oidRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECDSA   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidX25519  = asn1.ObjectIdentifier{1, 3, 101, 110}
)

// Names for algorithm and curve OIDs that users are likely to run into, so
// that messages say more than a dotted number.
var oidNames = map[string]string{
	"1.2.840.10040.4.1":     "DSA",
	"1.2.840.113549.1.1.10": "RSASSA-PSS",
	"1.3.101.111":           "X448",
	"1.3.101.113":           "Ed448",
	"1.2.156.10197.1.301":   "SM2",
	"1.3.132.0.10":          "secp256k1",
	"1.3.36.3.3.2.8.1.1.7":  "brainpoolP256r1",
	"1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
	"1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
}

func oidLabel(oid asn1.ObjectIdentifier) string {
	if name, ok := oidNames[oid.String()]; ok {
		return fmt.Sprintf("%s (%s)", name, oid)
	}
	return oid.String()
}

// ParsePrivateKey parses the one unencrypted private key in pemText. It
// accepts PKCS#1 RSA, PKCS#8 (RSA, ECDSA P-256/P-384, Ed25519) and SEC1 EC
// keys; RSA keys must have at least MinRSABits bits. Encrypted keys yield
// ErrEncryptedKey, other key types and formats ErrUnsupportedKey.
func ParsePrivateKey(pemText string) (crypto.Signer, error) {
	key, r := parsePrivateKey(pemText)
	if r != nil {
		return nil, r.err
	}
	return key, nil
}

func parsePrivateKey(pemText string) (crypto.Signer, *rejection) {
	blocks := decodeBlocks(pemText)
	if len(blocks) == 0 {
		return nil, &rejection{ErrNotPEM, CodeKeyUnparsable, notPEMDetail("private key", pemText, detailKeyNoPEM)}
	}
	var keys []*pem.Block
	var certSeen bool
	var other string
	for _, b := range blocks {
		switch {
		case isPrivateKeyType(b.Type):
			keys = append(keys, b)
		case b.Type == blockCertificate:
			certSeen = true
		case b.Type == blockECParameters:
		default:
			if other == "" {
				other = b.Type
			}
		}
	}
	switch {
	case len(keys) == 0 && other != "":
		return nil, unsupportedBlock(other)
	case len(keys) == 0 && certSeen:
		return nil, &rejection{fmt.Errorf("%w: found a certificate", ErrInvalidKey), CodeKeyUnparsable, detailKeyIsCert}
	case len(keys) == 0:
		return nil, unsupportedBlock(blockECParameters)
	case len(keys) > 1:
		return nil, &rejection{
			fmt.Errorf("%w: found %d private keys", ErrInvalidKey, len(keys)),
			CodeKeyUnparsable, fmt.Sprintf(detailKeyMultiple, len(keys)),
		}
	}
	b := keys[0]
	if how := encryption(b); how != "" {
		return nil, &rejection{ErrEncryptedKey, CodeKeyEncrypted, fmt.Sprintf(detailKeyEncrypted, how)}
	}

	var parsed any
	var err error
	switch b.Type {
	case blockPKCS1:
		parsed, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case blockPKCS8:
		parsed, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case blockSEC1:
		parsed, err = x509.ParseECPrivateKey(b.Bytes)
	default:
		return nil, unsupportedBlock(b.Type)
	}
	if err != nil {
		return nil, explainKeyParseFailure(b)
	}
	return acceptKey(parsed)
}

// encryption says how b is marked as encrypted, or "" when it is not.
func encryption(b *pem.Block) string {
	if b.Type == blockEncrypted {
		return `an "ENCRYPTED PRIVATE KEY" PKCS#8 block`
	}
	if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return `a "Proc-Type: 4,ENCRYPTED" header`
	}
	if _, ok := b.Headers["DEK-Info"]; ok {
		return `a "DEK-Info" header`
	}
	return ""
}

func unsupportedBlock(blockType string) *rejection {
	label := blockTypeLabel(blockType)
	var reason string
	switch {
	case blockType == "OPENSSH PRIVATE KEY":
		reason = reasonOpenSSH
	case strings.HasSuffix(blockType, "PUBLIC KEY"):
		reason = fmt.Sprintf(reasonPublicKey, label)
	default:
		reason = fmt.Sprintf(reasonBlockType, label)
	}
	return &rejection{
		fmt.Errorf("%w: PEM block type %q", ErrUnsupportedKey, label),
		CodeKeyUnsupported, fmt.Sprintf(detailKeyUnsupported, reason),
	}
}

func unsupported(reason string) *rejection {
	return &rejection{
		fmt.Errorf("%w: %s", ErrUnsupportedKey, firstSentence(reason)),
		CodeKeyUnsupported, fmt.Sprintf(detailKeyUnsupported, reason),
	}
}

// firstSentence shortens a reason for an error string, which by Go
// convention starts in lower case.
func firstSentence(s string) string {
	for _, sep := range []string{". ", "; "} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	if s != "" {
		s = strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// The outer ASN.1 structures of the three formats, decoded on their own so a
// failure can be told apart: wrong label, unsupported algorithm or curve, or
// plain corruption. The x509 errors are not shown to users; they are terse and
// do not say which of these it is.
type pkcs8Outer struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

type sec1Outer struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey     asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

type pkcs1Outer struct {
	Version          int
	N                *big.Int
	E                int
	D, P, Q          *big.Int
	Dp, Dq, Qinv     *big.Int        `asn1:"optional"`
	AdditionalPrimes []asn1.RawValue `asn1:"optional,omitempty"`
}

func explainKeyParseFailure(b *pem.Block) *rejection {
	var p8 pkcs8Outer
	var ec sec1Outer
	var p1 pkcs1Outer
	isPKCS8 := unmarshalAll(b.Bytes, &p8)
	isSEC1 := !isPKCS8 && unmarshalAll(b.Bytes, &ec)
	isPKCS1 := !isPKCS8 && !isSEC1 && unmarshalAll(b.Bytes, &p1)

	var holds, want string
	switch {
	case isPKCS8 && b.Type != blockPKCS8:
		holds, want = "a PKCS#8 key", blockPKCS8
	case isSEC1 && b.Type != blockSEC1:
		holds, want = "a SEC1 EC key", blockSEC1
	case isPKCS1 && b.Type != blockPKCS1:
		holds, want = "a PKCS#1 RSA key", blockPKCS1
	}
	if want != "" {
		return &rejection{
			fmt.Errorf("%w: block %q holds %s", ErrInvalidKey, b.Type, holds),
			CodeKeyUnparsable, fmt.Sprintf(detailKeyMislabelled, b.Type, holds, want),
		}
	}

	switch {
	case isPKCS8 && !p8.Algo.Algorithm.Equal(oidRSA) && !p8.Algo.Algorithm.Equal(oidECDSA) &&
		!p8.Algo.Algorithm.Equal(oidEd25519) && !p8.Algo.Algorithm.Equal(oidX25519):
		return unsupported(fmt.Sprintf(reasonAlgorithm, oidLabel(p8.Algo.Algorithm)))
	case isPKCS8 && p8.Algo.Algorithm.Equal(oidECDSA):
		var curve asn1.ObjectIdentifier
		if unmarshalAll(p8.Algo.Parameters.FullBytes, &curve) && !knownCurve(curve) {
			return unsupported(fmt.Sprintf(reasonCurve, oidLabel(curve)))
		}
	case isSEC1 && len(ec.NamedCurveOID) > 0 && !knownCurve(ec.NamedCurveOID):
		return unsupported(fmt.Sprintf(reasonCurve, oidLabel(ec.NamedCurveOID)))
	}
	return &rejection{
		fmt.Errorf("%w: %q block does not parse", ErrInvalidKey, b.Type),
		CodeKeyUnparsable, fmt.Sprintf(detailKeyUnparsable, b.Type),
	}
}

func unmarshalAll(der []byte, v any) bool {
	rest, err := asn1.Unmarshal(der, v)
	return err == nil && len(rest) == 0
}

// knownCurve reports whether Go can parse keys on the curve; whether the curve
// is accepted is decided later, with a clearer message.
func knownCurve(oid asn1.ObjectIdentifier) bool {
	switch oid.String() {
	case "1.3.132.0.33", "1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35":
		return true
	}
	return false
}

func acceptKey(parsed any) (crypto.Signer, *rejection) {
	switch k := parsed.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < MinRSABits {
			return nil, unsupported(fmt.Sprintf(reasonRSASize, bits))
		}
		return k, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384():
			return k, nil
		}
		return nil, unsupported(fmt.Sprintf(reasonCurve, k.Curve.Params().Name))
	case ed25519.PrivateKey:
		return k, nil
	case *ecdh.PrivateKey:
		return nil, unsupported(reasonX25519)
	}
	return nil, unsupported(fmt.Sprintf(reasonAlgorithm, fmt.Sprintf("%T", parsed)))
}

// KeyMatchesCertificate reports whether key is the private half of the
// certificate's public key.
func KeyMatchesCertificate(key crypto.Signer, cert *x509.Certificate) bool {
	if key == nil || cert == nil {
		return false
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// publicKeyLabel names a key's type and size for messages.
func publicKeyLabel(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d-bit", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return "of an unsupported type"
}

// UploadKeyPEM returns the private key block alone, re-encoded without the
// configuration's whitespace, surrounding text or companion blocks, in the
// block type it was written in. Cloudflare's parser is stricter than ours.
func UploadKeyPEM(pemText string) (string, error) {
	if _, err := ParsePrivateKey(pemText); err != nil {
		return "", err
	}
	for _, b := range decodeBlocks(pemText) {
		if isPrivateKeyType(b.Type) {
			return string(pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: b.Bytes})), nil
		}
	}
	return "", ErrNotPEM
}
