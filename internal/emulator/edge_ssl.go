package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
)

// SSL/TLS encryption modes of a zone (zone setting "ssl") [doc].
const (
	SSLOff      = "off"      // no HTTPS at all; the edge pulls over plain HTTP
	SSLFlexible = "flexible" // HTTPS to visitors, plain HTTP to the origin
	SSLFull     = "full"     // HTTPS to the origin, its certificate not verified
	SSLStrict   = "strict"   // HTTPS to the origin, its certificate verified
)

// defaultSSLMode is the mode of a new zone in the emulator [ours: Cloudflare
// picks a zone's initial mode itself; "full" is what AOP needs].
const defaultSSLMode = SSLFull

func validSSLMode(m string) bool {
	return m == SSLOff || m == SSLFlexible || m == SSLFull || m == SSLStrict
}

func sslJSON(z *zone) settingJSON {
	out := settingJSON{ID: "ssl", Value: z.ssl, Editable: true}
	if !z.sslModified.IsZero() {
		t := formatTime(z.sslModified)
		out.ModifiedOn = &t
	}
	return out
}

// handleGetSSL answers GET /zones/{zone_id}/settings/ssl.
func handleGetSSL(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	return sslJSON(req.zone), nil, nil
}

// handlePatchSSL answers PATCH /zones/{zone_id}/settings/ssl.
func handlePatchSSL(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	fields, apiErr := decodeObject(req.body)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	raw, ok := fields["value"]
	if !ok {
		return nil, nil, errorf(http.StatusBadRequest, codeInvalidRequest, `Invalid request: value is required ("off", "flexible", "full" or "strict")`)
	}
	var value string
	if err := json.Unmarshal(raw, &value); err != nil || !validSSLMode(value) {
		return nil, nil, errorf(http.StatusBadRequest, codeInvalidSetting, `Invalid value for zone setting ssl: %s (expected "off", "flexible", "full" or "strict")`, shorten(string(raw)))
	}
	req.zone.ssl = value
	req.zone.sslModified = req.now
	return sslJSON(req.zone), nil, nil
}

// SetSSLMode sets the SSL/TLS mode of the zone with ID zoneID, as a PATCH of
// the zone setting ssl would.
func (s *Server) SetSSLMode(zoneID, mode string) error {
	if !validSSLMode(mode) {
		return fmt.Errorf("emulator: invalid SSL mode %q (want off, flexible, full or strict)", mode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.zonesByID[zoneID]
	if z == nil {
		return fmt.Errorf("emulator: no zone with ID %q", zoneID)
	}
	z.ssl, z.sslModified = mode, s.now()
	return nil
}

// SetOriginTrust sets the CA certificates (PEM) the edge verifies an
// origin's server certificate against in SSL mode "strict", in place of the
// public CAs and Cloudflare's Origin CA that Cloudflare trusts. nil restores
// the system's roots.
func (s *Server) SetOriginTrust(pemCerts []byte) error {
	var pool *x509.CertPool
	if pemCerts != nil {
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemCerts) {
			return errors.New("emulator: origin trust: no PEM certificate found")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.originRoots = pool
	return nil
}

// edgeMode reads the SSL mode of host's zone ("" when no zone contains it)
// and the roots strict mode verifies against.
func (s *Server) edgeMode(host string) (string, *x509.CertPool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var z *zone
	for _, candidate := range s.zones {
		if inZone(host, candidate.name) && (z == nil || len(candidate.name) > len(z.name)) {
			z = candidate
		}
	}
	if z == nil {
		return "", s.originRoots
	}
	return z.ssl, s.originRoots
}

// edgeTLSConfig is the TLS client configuration of a pull in mode, nil for
// the plain-HTTP modes off and flexible, where no client certificate can be
// presented: AOP does not apply to them [doc].
func edgeTLSConfig(mode, host string, clientCert *tls.Certificate, roots *x509.CertPool) *tls.Config {
	if mode == SSLOff || mode == SSLFlexible {
		return nil
	}
	cfg := &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		RootCAs:    roots, // nil: the system's roots
	}
	if mode != SSLStrict {
		// SSL mode "Full": the edge does not verify the origin's
		// certificate; AOP is about the origin verifying the edge.
		cfg.InsecureSkipVerify = true //nolint:gosec // emulates SSL mode "Full", documented on Pull
	}
	if clientCert != nil {
		// Present the certificate whatever CA names the origin asks for,
		// as Cloudflare does; the origin decides whether to trust it.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return clientCert, nil
		}
	}
	return cfg
}

// Phases of a pull, for the status a visitor would see.
const (
	phaseConnect = "connect"
	phaseTLS     = "tls"
	phaseVerify  = "verify"
	phaseHTTP    = "http"
)

// pullError is a failed pull with the phase it failed in; its text is the
// underlying error's.
type pullError struct {
	phase string
	err   error
}

func (e *pullError) Error() string { return e.err.Error() }
func (e *pullError) Unwrap() error { return e.err }

func failedIn(phase string, err error) error {
	if err == nil {
		return nil
	}
	return &pullError{phase: phase, err: err}
}

// tlsFailure classifies a handshake error: a certificate the edge could not
// verify (strict mode) or any other handshake failure.
func tlsFailure(err error) error {
	var verr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &verr) || errors.As(err, &hostErr) || errors.As(err, &unknown) || errors.As(err, &invalid) {
		return failedIn(phaseVerify, err)
	}
	return failedIn(phaseTLS, err)
}

// Statuses Cloudflare serves to visitors when the pull fails [doc: Cloudflare's
// 5xx error documentation].
const (
	StatusUnknownError      = 520 // the origin answered with something that is not HTTP, or reset the connection
	StatusWebServerDown     = 521 // the origin refused the connection
	StatusConnectionTimeout = 522 // no TCP or TLS answer in time
	StatusOriginTimeout     = 524 // connected, but no HTTP answer in time
	StatusSSLHandshakeFail  = 525 // the TLS handshake with the origin failed (e.g. a refused client certificate)
	StatusInvalidSSLCert    = 526 // strict mode: the origin's certificate is not valid
)

// edgeStatus is what a visitor would see for a pull: the origin's status,
// or the 52x Cloudflare serves for how it failed; 0 when the edge did not
// try (no zone, no origin, invalid request).
func edgeStatus(originStatus int, err error) int {
	if originStatus != 0 {
		return originStatus
	}
	var pe *pullError
	if !errors.As(err, &pe) {
		return 0
	}
	timeout := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		timeout = true
	}
	switch pe.phase {
	case phaseConnect:
		if timeout {
			return StatusConnectionTimeout
		}
		return StatusWebServerDown // refused, or no route to the origin
	case phaseVerify:
		return StatusInvalidSSLCert
	case phaseTLS:
		if timeout {
			return StatusConnectionTimeout
		}
		return StatusSSLHandshakeFail
	default:
		if timeout {
			return StatusOriginTimeout
		}
		return StatusUnknownError
	}
}
