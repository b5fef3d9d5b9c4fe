// Package originprobe tests an origin the way an attacker who found its
// address would: a direct HTTPS request with the site's hostname as SNI and
// Host header and no client certificate. It reports what the origin did,
// never an error: an origin that cannot be reached is a finding too.
package originprobe

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Bounds of Options.Timeout.
const (
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 60 * time.Second
)

// Options say what to probe.
type Options struct {
	// Address is host:port to connect to, e.g. the origin's public IP and 443.
	Address string
	// Hostname is sent as SNI and Host header.
	Hostname string
	// Path is the request path; "" means "/".
	Path string
	// Roots verify the origin's server certificate; nil means the system's.
	Roots *x509.CertPool
	// Timeout bounds the whole probe; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Result is what the origin did.
type Result struct {
	// Reachable: a TCP connection to Address was established.
	Reachable bool
	// ClientCertificateRequested: the origin asked for a client certificate
	// in the TLS handshake (a CertificateRequest message).
	ClientCertificateRequested bool
	// HTTPStatus is the origin's HTTP status, 0 when none came back.
	HTTPStatus int
	// AcceptsWithoutClientCertificate: an HTTP answer came back that is not
	// a refusal. nginx answers a missing required certificate with 400 and
	// an allow-list refusal with 403; 400, 403, 495 and 496 count as
	// refusals, every other status as the request being served.
	AcceptsWithoutClientCertificate bool
	// Error says what failed (connection, handshake, request), "" when an
	// HTTP answer came back.
	Error string

	// The origin's server certificate, when the handshake got that far.
	ServerCertificate *x509.Certificate
	// ServerCertificateSHA256 is the lower-case hex SHA-256 of its DER.
	ServerCertificateSHA256 string
	// ServerCertificateValid: the certificate chains to Roots and is valid
	// for Hostname now, which SSL mode Full (strict) needs.
	ServerCertificateValid bool
	// ServerCertificateError says why it is not valid.
	ServerCertificateError string
}

// refusals are statuses that mean the origin refused the request.
var refusals = map[int]bool{http.StatusBadRequest: true, http.StatusForbidden: true, 495: true, 496: true}

// Run probes the origin. It returns when the origin answered, refused or
// the timeout passed, whichever comes first.
func Run(ctx context.Context, o Options) Result {
	var res Result
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	timeout = min(timeout, MaxTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	path := o.Path
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+o.Hostname+path, nil)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Close = true
	req.Header.Set("User-Agent", "terraform-provider-cfaop origin probe")

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", o.Address)
	if err != nil {
		res.Error = "connect: " + err.Error()
		return res
	}
	defer func() { _ = conn.Close() }()
	res.Reachable = true
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	cfg := &tls.Config{
		ServerName: o.Hostname,
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		// The server certificate is checked below, so that a certificate
		// that is not valid is reported, not a reason to stop probing.
		InsecureSkipVerify: true, //nolint:gosec // verified by hand in VerifyPeerCertificate
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			res.checkServerCertificate(raw, o.Hostname, o.Roots)
			return nil
		},
		// Called exactly when the server sends a CertificateRequest; the
		// empty certificate sends none, as an attacker without one would.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			res.ClientCertificateRequested = true
			return &tls.Certificate{}, nil
		},
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		res.Error = "TLS handshake: " + err.Error()
		return res
	}
	// With TLS 1.3 an origin that requires a certificate refuses after the
	// client's handshake completed: the alert arrives on the first read.
	writeErr := req.Write(tc)
	resp, err := http.ReadResponse(bufio.NewReader(tc), req)
	if err != nil {
		var op *net.OpError
		if writeErr != nil && (!errors.As(err, &op) || op.Op != "remote error") {
			err = writeErr
		}
		res.Error = "request: " + err.Error()
		return res
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res.HTTPStatus = resp.StatusCode
	res.AcceptsWithoutClientCertificate = !refusals[resp.StatusCode]
	return res
}

// checkServerCertificate records the leaf and whether the chain is valid
// for hostname against roots.
func (r *Result) checkServerCertificate(raw [][]byte, hostname string, roots *x509.CertPool) {
	if len(raw) == 0 {
		r.ServerCertificateError = "the origin sent no certificate"
		return
	}
	leaf, err := x509.ParseCertificate(raw[0])
	if err != nil {
		r.ServerCertificateError = fmt.Sprintf("the origin's certificate cannot be parsed: %v", err)
		return
	}
	sum := sha256.Sum256(leaf.Raw)
	r.ServerCertificate, r.ServerCertificateSHA256 = leaf, hex.EncodeToString(sum[:])
	intermediates := x509.NewCertPool()
	for _, der := range raw[1:] {
		if c, err := x509.ParseCertificate(der); err == nil {
			intermediates.AddCert(c)
		}
	}
	_, err = leaf.Verify(x509.VerifyOptions{DNSName: hostname, Roots: roots, Intermediates: intermediates})
	if err != nil {
		r.ServerCertificateError = err.Error()
		return
	}
	r.ServerCertificateValid = true
}
