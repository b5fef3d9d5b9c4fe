package pemcert

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by ParseLeaf, ParseSingleCertificate, Certificates and
// CanonicalDER; match them with errors.Is.
var (
	ErrNotPEM                  = errors.New("no PEM block found")
	ErrNoCertificate           = errors.New("no CERTIFICATE PEM block found")
	ErrPrivateKeyInCertificate = errors.New("private key found where a certificate was expected")
	ErrMultipleCertificates    = errors.New("more than one CERTIFICATE PEM block found")
	ErrInvalidCertificate      = errors.New("CERTIFICATE PEM block is not a valid X.509 certificate")
	ErrOtherBlock              = errors.New("PEM block other than CERTIFICATE found")
)

// rejection is why a certificate or key was refused: the error the Parse
// functions return and the finding the Check functions report.
type rejection struct {
	err    error
	code   string
	detail string
}

func (r *rejection) finding() Finding {
	return newFinding(r.code, r.detail)
}

// ParseLeaf parses pemText, which must hold exactly one CERTIFICATE block and
// no private key. Other blocks and text around them are ignored.
func ParseLeaf(pemText string) (*x509.Certificate, error) {
	cert, r := parseLeaf(pemText)
	if r != nil {
		return nil, r.err
	}
	return cert, nil
}

// ParseSingleCertificate parses a document that must hold exactly one
// CERTIFICATE block and no other PEM block, such as a downloaded CA
// certificate. Unlike ParseLeaf, which skips blocks it does not use, it
// refuses a document with anything else in it: a trust anchor is taken as it
// is or not at all. Text around the block is ignored.
func ParseSingleCertificate(pemText string) (*x509.Certificate, error) {
	blocks := decodeBlocks(pemText)
	if len(blocks) == 0 {
		return nil, ErrNotPEM
	}
	for _, b := range blocks {
		if b.Type != blockCertificate {
			return nil, fmt.Errorf("%w: %q", ErrOtherBlock, blockTypeLabel(b.Type))
		}
	}
	if len(blocks) > 1 {
		return nil, fmt.Errorf("%w: %d certificates", ErrMultipleCertificates, len(blocks))
	}
	cert, err := x509.ParseCertificate(blocks[0].Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCertificate, err)
	}
	return cert, nil
}

func parseLeaf(pemText string) (*x509.Certificate, *rejection) {
	blocks := decodeBlocks(pemText)
	if len(blocks) == 0 {
		return nil, &rejection{ErrNotPEM, CodeNotPEM, notPEMDetail("certificate", pemText, detailCertNoPEM)}
	}
	var certDER [][]byte
	var keyType string
	var others []string
	for _, b := range blocks {
		switch {
		case b.Type == blockCertificate:
			certDER = append(certDER, b.Bytes)
		case isPrivateKeyType(b.Type):
			keyType = blockTypeLabel(b.Type)
		default:
			others = append(others, fmt.Sprintf("%q", blockTypeLabel(b.Type)))
		}
	}
	switch {
	case keyType != "" && len(certDER) == 0:
		return nil, &rejection{ErrPrivateKeyInCertificate, CodeNotPEM, fmt.Sprintf(detailCertIsKey, keyType)}
	case keyType != "":
		return nil, &rejection{
			fmt.Errorf("%w: the value holds a certificate and a private key", ErrPrivateKeyInCertificate),
			CodeNotPEM, fmt.Sprintf(detailCertWithKey, keyType),
		}
	case len(certDER) == 0:
		return nil, &rejection{
			fmt.Errorf("%w: found %s", ErrNoCertificate, strings.Join(others, ", ")),
			CodeNotPEM, fmt.Sprintf(detailCertOtherBlocks, strings.Join(others, ", ")),
		}
	case len(certDER) > 1:
		return nil, &rejection{
			fmt.Errorf("%w: %d certificates", ErrMultipleCertificates, len(certDER)),
			CodeMultipleCertificates, fmt.Sprintf(detailChain, len(certDER), chainSubjects(certDER)),
		}
	}
	cert, err := x509.ParseCertificate(certDER[0])
	if err != nil {
		return nil, &rejection{
			fmt.Errorf("%w: %v", ErrInvalidCertificate, err),
			CodeNotPEM, fmt.Sprintf(detailCertUnparsable, err),
		}
	}
	return cert, nil
}

// chainSubjects names the certificates of a bundle so the user can tell which
// one to keep.
func chainSubjects(certDER [][]byte) string {
	const maxListed = 5
	var names []string
	for i, der := range certDER {
		if i == maxListed {
			names = append(names, fmt.Sprintf("and %d more", len(certDER)-maxListed))
			break
		}
		name := "(not a valid certificate)"
		if c, err := x509.ParseCertificate(der); err == nil {
			name = subjectLabel(c)
		}
		names = append(names, fmt.Sprintf("%d. %s", i+1, name))
	}
	return strings.Join(names, ", ")
}

// Certificates parses every CERTIFICATE block in pemText, in order, with
// the errors of CanonicalDER. Each block must be a valid certificate.
func Certificates(pemText string) ([]*x509.Certificate, error) {
	blocks := decodeBlocks(pemText)
	if len(blocks) == 0 {
		return nil, ErrNotPEM
	}
	var certs []*x509.Certificate
	for _, b := range blocks {
		if b.Type != blockCertificate {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidCertificate, err)
		}
		certs = append(certs, c)
	}
	if certs == nil {
		return nil, ErrNoCertificate
	}
	return certs, nil
}

// CanonicalDER returns the DER of every CERTIFICATE block in pemText,
// concatenated in order. Line endings, indentation and text around the blocks
// do not change the result. Each block must be a valid certificate.
func CanonicalDER(pemText string) ([]byte, error) {
	certs, err := Certificates(pemText)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, c := range certs {
		out = append(out, c.Raw...) // ParseCertificate refuses trailing data: Raw is the block
	}
	return out, nil
}

// SemanticallyEqual reports whether a and b hold the same certificates, so
// that whitespace, CRLF and trailing newlines never produce a plan diff. It is
// false when either side does not parse, even if the strings are equal.
func SemanticallyEqual(a, b string) bool {
	da, err := CanonicalDER(a)
	if err != nil {
		return false
	}
	db, err := CanonicalDER(b)
	if err != nil {
		return false
	}
	return bytes.Equal(da, db)
}

// SHA256Fingerprint returns the SHA-256 of the certificate's DER as lowercase
// hex without separators, e.g. "9a1a...": the one fingerprint format of the
// provider's state and diagnostics (`openssl x509 -noout -fingerprint -sha256`
// prints the same digits in upper case with colons). It returns "" for a nil
// certificate.
func SHA256Fingerprint(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// Info is a summary of a certificate suitable for computed attributes.
type Info struct {
	Subject            string
	Issuer             string
	SerialNumber       string // decimal
	NotBefore          time.Time
	NotAfter           time.Time
	SignatureAlgorithm string
	SHA256Fingerprint  string // as returned by SHA256Fingerprint
	IsCA               bool
}

// Describe summarises cert. Names use the RFC 2253 form of pkix.Name.String.
func Describe(cert *x509.Certificate) Info {
	if cert == nil {
		return Info{}
	}
	serial := ""
	if cert.SerialNumber != nil {
		serial = cert.SerialNumber.String()
	}
	return Info{
		Subject:            cert.Subject.String(),
		Issuer:             cert.Issuer.String(),
		SerialNumber:       serial,
		NotBefore:          cert.NotBefore,
		NotAfter:           cert.NotAfter,
		SignatureAlgorithm: cert.SignatureAlgorithm.String(),
		SHA256Fingerprint:  SHA256Fingerprint(cert),
		IsCA:               isCA(cert),
	}
}

func isCA(cert *x509.Certificate) bool {
	return cert.BasicConstraintsValid && cert.IsCA
}

// subjectLabel names a certificate in messages.
func subjectLabel(cert *x509.Certificate) string {
	if s := cert.Subject.String(); s != "" {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("with serial %s and an empty subject", cert.SerialNumber)
}
