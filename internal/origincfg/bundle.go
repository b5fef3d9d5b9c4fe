// Package origincfg builds what an origin server (nginx or Apache) needs to
// verify the client certificate Cloudflare presents for authenticated origin
// pulls: a canonical CA bundle and the TLS client-verification directives
// that point at it.
//
// Everything here is pure and deterministic, with no clock and no network, so
// the provider can expose it as provider-defined functions that Terraform
// evaluates at plan time and again at apply time with the same result.
package origincfg

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// Errors returned by TrustBundle; match them with errors.Is.
var (
	ErrNoInput            = errors.New("no certificates given")
	ErrNoCertificate      = errors.New("no CERTIFICATE PEM block found")
	ErrInvalidCertificate = errors.New("CERTIFICATE PEM block is not a valid X.509 certificate")
	ErrPrivateKey         = errors.New("private key found where only certificates are expected")
	ErrNotTrustAnchor     = errors.New("certificate is neither a CA nor self-signed")
)

// Bundle is a de-duplicated CA bundle, in input order.
type Bundle struct {
	// PEM holds every certificate re-encoded as a CERTIFICATE block, one after
	// the other, ending with a newline.
	PEM string
	// Fingerprints are the SHA-256 fingerprints of the certificates' DER,
	// lowercase hex without separators, in the order of PEM.
	Fingerprints []string
	// Subjects are the certificates' subject names (RFC 2253), in the order of PEM.
	Subjects []string
}

// InputError is why one input of TrustBundle was refused. Index is the
// input's zero-based position, as Terraform indexes lists.
type InputError struct {
	Index int
	Err   error
	// Detail is a full sentence for the user, without the input's index.
	Detail string
}

func (e *InputError) Error() string { return fmt.Sprintf("element %d: %v", e.Index, e.Err) }

func (e *InputError) Unwrap() error { return e.Err }

// privateKeyBegin finds a private key's BEGIN line, even in a block that
// would not decode, so a key is refused before anything else is tried.
// Compiled on first use, not at every start of the provider.
var privateKeyBegin = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY)-----`)
})

// TrustBundle parses inputs, each PEM text with one or more CERTIFICATE
// blocks, and returns them as one bundle an origin can use as its trusted
// client CA file. A certificate that appears more than once (compared by DER)
// is kept at its first position. Line endings, indentation, a byte order
// mark and text around the blocks do not matter; PEM blocks other than
// certificates and private keys are ignored.
//
// Each certificate must be a trust anchor an origin can verify Cloudflare's
// client certificate against: a CA certificate (basic constraints CA:TRUE),
// or a self-signed certificate, which is its own anchor. An input holding a
// private key is refused without the key ever appearing in the error.
// Validity dates are not checked, so the result never depends on the clock.
func TrustBundle(inputs []string) (Bundle, error) {
	if len(inputs) == 0 {
		return Bundle{}, ErrNoInput
	}
	var b Bundle
	var out strings.Builder
	seen := map[string]bool{}
	for i, in := range inputs {
		certs, err := parseInput(in)
		if err != nil {
			err.Index = i
			return Bundle{}, err
		}
		for _, c := range certs {
			if seen[string(c.Raw)] {
				continue
			}
			seen[string(c.Raw)] = true
			out.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
			b.Fingerprints = append(b.Fingerprints, pemcert.SHA256Fingerprint(c))
			b.Subjects = append(b.Subjects, c.Subject.String())
		}
	}
	b.PEM = out.String()
	return b, nil
}

func parseInput(in string) ([]*x509.Certificate, *InputError) {
	if m := privateKeyBegin().FindStringSubmatch(in); m != nil {
		return nil, &InputError{Err: ErrPrivateKey, Detail: fmt.Sprintf(
			"It contains a private key (PEM block %q). A trust bundle holds only certificates: pass the certificate alone "+
				"and keep the key secret, out of the origin's CA file and out of Terraform outputs.", m[1])}
	}
	certs, err := pemcert.Certificates(in)
	switch {
	case errors.Is(err, pemcert.ErrNotPEM) || errors.Is(err, pemcert.ErrNoCertificate):
		return nil, &InputError{Err: ErrNoCertificate, Detail: noCertificateDetail(in)}
	case err != nil:
		reason := strings.TrimPrefix(err.Error(), pemcert.ErrInvalidCertificate.Error()+": ")
		return nil, &InputError{Err: fmt.Errorf("%w: %s", ErrInvalidCertificate, reason), Detail: fmt.Sprintf(
			"A CERTIFICATE PEM block in it is not a valid X.509 certificate (%s). The value may be truncated or corrupted; "+
				"copy the certificate again.", reason)}
	}
	for n, c := range certs {
		if isCA(c) || selfSigned(c) {
			continue
		}
		return nil, &InputError{Err: fmt.Errorf("%w: %s", ErrNotTrustAnchor, c.Subject), Detail: fmt.Sprintf(
			"Its certificate %d of %d, %s (SHA-256 %s), is a leaf certificate issued by %s: it is not a CA (CA:FALSE) and not "+
				"self-signed, so an origin cannot verify Cloudflare's client certificate against it. The origin needs the CA "+
				"that signed it: pass that CA certificate instead (for a zone or hostname client certificate, the CA you "+
				"issued it from). A self-signed client certificate is accepted, because it is its own trust anchor.",
			n+1, len(certs), nameLabel(c.Subject.String()), pemcert.SHA256Fingerprint(c), nameLabel(c.Issuer.String()))}
	}
	return certs, nil
}

func noCertificateDetail(in string) string {
	trimmed := strings.TrimSpace(in)
	switch {
	case trimmed == "":
		return "It is empty. Pass PEM text starting with -----BEGIN CERTIFICATE-----, for example data.cfaop_global_ca.pem or file(\"ca.pem\")."
	case strings.Contains(trimmed, `\n`) && !strings.Contains(trimmed, "\n"):
		return `It contains literal "\n" sequences instead of line breaks, so it cannot be read as PEM. ` +
			`Load it with file("...") or a heredoc, or replace the "\n" sequences with real newlines.`
	case !strings.Contains(trimmed, "\n") && len(trimmed) < 256 && !strings.Contains(trimmed, "-----"):
		return `It holds no PEM block; if it is a file name, read the file with file("...") instead of passing its path.`
	}
	return "It holds no PEM CERTIFICATE block. Pass PEM text starting with -----BEGIN CERTIFICATE-----; convert a DER " +
		"(binary) certificate first, for example with `openssl x509 -inform der -in ca.der -out ca.pem`."
}

func isCA(c *x509.Certificate) bool { return c.BasicConstraintsValid && c.IsCA }

// selfSigned reports whether c names itself as issuer and its signature
// verifies with its own key. CheckSignatureFrom would refuse a CA:FALSE
// parent, so the signature is checked directly.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false
	}
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// nameLabel quotes a distinguished name for a message.
func nameLabel(dn string) string {
	if dn == "" {
		return "(empty name)"
	}
	return fmt.Sprintf("%q", dn)
}
