package cfapi

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
)

// permanentMessages are net/http errors without a type of their own that
// come from the request itself, so sending it again cannot succeed: a
// header value with a newline (a token read with file() and no
// trimspace()), a URL scheme net/http does not speak.
var permanentMessages = []string{
	"net/http: invalid header field value",
	"net/http: invalid header field name",
	"net/http: invalid method",
	"unsupported protocol scheme",
	"http: no Host in request URL",
	"http: nil Request.URL",
}

// isPermanent reports whether a transport error fails the same way on every
// attempt, so retrying it only delays the error: a malformed request, or a
// server whose TLS certificate does not verify (the certificate will not
// change within a retry's backoff, and retrying an untrusted server is not
// what the user wants either).
func isPermanent(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errorsAs[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errorsAs[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errorsAs[x509.HostnameError](err); ok {
		return true
	}
	if _, ok := errorsAs[x509.CertificateInvalidError](err); ok {
		return true
	}
	if _, ok := errorsAs[tls.RecordHeaderError](err); ok {
		return true // the server does not speak TLS on this port
	}
	msg := err.Error()
	for _, m := range permanentMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
