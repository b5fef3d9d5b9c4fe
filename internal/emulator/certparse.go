package emulator

// The emulator parses uploads with its own code, not with internal/pemcert:
// it stands in for Cloudflare, so it must judge input the way Cloudflare
// does, not the way the provider does. Were it to share the provider's
// parser, the fidelity tests that run the provider against it would be
// circular, and a mistake in pemcert would be confirmed instead of caught.

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
)

// parsedUpload is a validated certificate upload.
type parsedUpload struct {
	cert   *x509.Certificate
	pem    string
	keyDER []byte // PKCS#8
}

// parseUpload checks an uploaded certificate and private key the way the
// real API does: exactly one PEM certificate, not a CA, and a private key
// (PKCS#1, PKCS#8 or SEC 1; RSA, ECDSA or Ed25519) that matches it.
func parseUpload(certPEM, keyPEM string) (*parsedUpload, *apiError) {
	cert, err := parseSingleCertificate(certPEM)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, codeInvalidCert, "Unable to parse the certificate: %v", err)
	}
	if cert.IsCA {
		return nil, errorf(http.StatusBadRequest, codeLeafOnly, msgLeafOnly)
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, codeInvalidKey, "Invalid private key: %v", err)
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, errorf(http.StatusBadRequest, codeKeyMismatch, msgKeyMismatch)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, codeInvalidKey, "Invalid private key: %v", err)
	}
	canonical := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	return &parsedUpload{cert: cert, pem: string(canonical), keyDER: keyDER}, nil
}

func parseSingleCertificate(s string) (*x509.Certificate, error) {
	rest := []byte(s)
	var der []byte
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q, only one CERTIFICATE block is allowed", block.Type)
		}
		n++
		der = block.Bytes
	}
	switch {
	case n == 0:
		return nil, fmt.Errorf("no PEM-encoded certificate found")
	case n > 1:
		return nil, fmt.Errorf("found %d certificates, upload only the leaf certificate", n)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("cannot parse the certificate: %v", err)
	}
	return cert, nil
}

func parsePrivateKey(s string) (crypto.Signer, error) {
	rest := []byte(s)
	var keys []crypto.Signer
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "EC PARAMETERS" {
			continue // emitted by "openssl ecparam -genkey" before the key
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "" {
			return nil, fmt.Errorf("encrypted private keys are not supported")
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("unexpected PEM block %q, expected a private key", block.Type)
		}
		key, err := parseKeyDER(block.Bytes)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	switch len(keys) {
	case 0:
		return nil, fmt.Errorf("no PEM-encoded private key found")
	case 1:
		return keys[0], nil
	default:
		return nil, fmt.Errorf("found %d private keys, expected one", len(keys))
	}
}

func parseKeyDER(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		signer, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", k)
		}
		return signer, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("cannot parse the private key (expected PKCS#1, PKCS#8 or SEC 1 in PEM)")
}

// signatureName names the signature algorithm the way Cloudflare does
// ("SHA256WithRSA", "ECDSAWithSHA256"), which for the common algorithms is
// the name of the x509 constant.
func signatureName(alg x509.SignatureAlgorithm) string {
	switch alg {
	case x509.SHA1WithRSA:
		return "SHA1WithRSA"
	case x509.SHA256WithRSA:
		return "SHA256WithRSA"
	case x509.SHA384WithRSA:
		return "SHA384WithRSA"
	case x509.SHA512WithRSA:
		return "SHA512WithRSA"
	case x509.SHA256WithRSAPSS:
		return "SHA256WithRSAPSS"
	case x509.SHA384WithRSAPSS:
		return "SHA384WithRSAPSS"
	case x509.SHA512WithRSAPSS:
		return "SHA512WithRSAPSS"
	case x509.ECDSAWithSHA1:
		return "ECDSAWithSHA1"
	case x509.ECDSAWithSHA256:
		return "ECDSAWithSHA256"
	case x509.ECDSAWithSHA384:
		return "ECDSAWithSHA384"
	case x509.ECDSAWithSHA512:
		return "ECDSAWithSHA512"
	case x509.PureEd25519:
		return "Ed25519"
	default:
		return alg.String()
	}
}

// issuerName is the issuer's common name, or its full DN when it has none.
func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func normalizeHostname(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// isValidHostname accepts DNS names made of letters, digits, hyphens and
// underscores, labels of 1-63 characters not starting or ending with a
// hyphen, 253 characters at most.
func isValidHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !labelRune(r) {
				return false
			}
		}
	}
	return true
}

// inZone reports whether hostname is the zone apex or a name below it.
func inZone(hostname, zoneName string) bool {
	return hostname == zoneName || strings.HasSuffix(hostname, "."+zoneName)
}

// labelRune reports whether r may appear in a hostname label.
func labelRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}
