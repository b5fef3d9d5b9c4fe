package emulator

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultPullTimeout bounds a Pull when Config.PullTimeout is zero.
const DefaultPullTimeout = 10 * time.Second

// maxPullBody is how much of the origin's answer a PullResult keeps.
const maxPullBody = 512

// pullUserAgent is the User-Agent of the emulated edge's requests.
const pullUserAgent = "cfaop-emulator-edge/1 (emulated Cloudflare origin pull)"

// Levels of a PullResult: which AOP configuration chose the client
// certificate.
const (
	PullLevelHostname = "hostname" // per-hostname AOP: the hostname's bound certificate
	PullLevelZone     = "zone"     // zone-level AOP: the zone's latest active certificate
	PullLevelGlobal   = "global"   // global AOP: the emulator's global certificate
	PullLevelNone     = "none"     // no AOP: no client certificate
)

// PullResult is the outcome of a Pull, as answered by POST /__emulator/pull.
type PullResult struct {
	// Hostname is the pulled hostname, normalised (lower case, no final dot).
	Hostname string `json:"hostname"`
	// Origin is the origin address (host:port), empty when none is configured.
	Origin string `json:"origin"`
	// Level is the AOP level that chose the client certificate: "hostname",
	// "zone", "global" or "none".
	Level string `json:"level"`
	// CertificateID is the ID of the presented hostname or zone certificate,
	// empty for the global certificate and for none.
	CertificateID string `json:"certificate_id"`
	// CertificateSHA256 is the lower-case hex SHA-256 of the presented
	// certificate's DER, empty when none is presented.
	CertificateSHA256 string `json:"certificate_sha256"`
	// Status is the origin's HTTP status, 0 when it did not answer.
	Status int `json:"status"`
	// EdgeStatus is the status a visitor would get from Cloudflare: Status
	// when the origin answered, else 521 (connection refused), 522 (no
	// answer to the connection or the TLS handshake in time), 524 (no HTTP
	// answer in time), 525 (TLS handshake failed, e.g. the origin refused
	// the client certificate), 526 (strict mode: the origin's certificate is
	// not valid) or 520 (anything else); 0 when the edge did not try.
	EdgeStatus int `json:"edge_status"`
	// SSLMode is the zone's SSL/TLS mode the pull followed: "off" and
	// "flexible" pull over plain HTTP without a client certificate.
	SSLMode string `json:"ssl_mode"`
	// BodyExcerpt is the start (at most 512 bytes) of the origin's answer.
	BodyExcerpt string `json:"body_excerpt"`
	// Error is the Go error text of what failed (no zone, no origin,
	// connection refused, TLS handshake failure, timeout, ...), empty on
	// success. A response whose body could not be read completely keeps its
	// Status and reports the read error here.
	Error string `json:"error"`
}

// SetOrigin sets the origin address Pull connects to for hostname; address
// is host:port with a loopback host (127.0.0.1, ::1 or localhost), so the
// emulated edge never reaches beyond this machine. An empty address removes
// the hostname's origin. Origins are edge configuration: Reset keeps them.
func (s *Server) SetOrigin(hostname, address string) error {
	host := normalizeHostname(hostname)
	if !isValidHostname(host) {
		return fmt.Errorf("emulator: invalid origin hostname %q", hostname)
	}
	if address != "" {
		if err := checkOriginAddress(address); err != nil {
			return fmt.Errorf("emulator: origin for %s: %w", host, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if address == "" {
		delete(s.origins, host)
	} else {
		s.origins[host] = address
	}
	return nil
}

// Origins returns a copy of the configured origins, address by hostname.
func (s *Server) Origins() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.origins)
}

// GlobalCertificate returns the certificate Pull presents for global AOP,
// signed by the origin-pull CA. It stands in for Cloudflare's shared
// certificate.
func (s *Server) GlobalCertificate() *x509.Certificate { return s.globalCert.Leaf }

// checkOriginAddress accepts host:port with a port from 1 to 65535 and a
// loopback IP or "localhost" as host.
func checkOriginAddress(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid address %q: %w", addr, err)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("invalid address %q: the port must be a number from 1 to 65535", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing address %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", addr)
}

// edgeChoice is what Pull decided under the lock: where to connect and
// which certificate to present.
type edgeChoice struct {
	origin string
	level  string
	certID string
	cert   *tls.Certificate // nil: present none
	err    error            // no zone for the hostname
}

// Pull makes the request Cloudflare's edge makes to the origin of hostname:
// GET path (default "/") with Host and SNI hostname, over TLS to the address
// set with SetOrigin, presenting the client certificate that the current AOP
// configuration of the hostname's zone selects, with precedence per-hostname
// over zone-level over global:
//
//   - hostname: the deployed version of the hostname's association is
//     enabled and its hostname certificate is active; while a change to the
//     association is pending deployment the edge keeps the previous
//     version, while a removal or a disabled association counts at once
//     (see presentedAt);
//   - zone: zone-level AOP is enabled and the zone has an active zone
//     certificate (the most recently deployed one if several are, as
//     Cloudflare documents: the one that became active last);
//   - global: the zone setting tls_client_auth is "on"; the emulator's
//     global certificate (GlobalCertificate) is presented;
//   - none: no client certificate.
//
// A disabled or removed association, or a certificate that is not active
// (pending_deployment, or its deletion requested), falls through to the
// next level. The zone is the
// configured zone whose name equals the hostname or is its longest suffix.
//
// The zone's SSL/TLS mode (zone setting ssl, default "full") decides how:
// "full" does not verify the origin's server certificate; "strict" verifies
// it against the roots given with SetOriginTrust (526 when it is not
// valid); "off" and "flexible" send plain HTTP to the same address and
// present no client certificate, whatever AOP says (Level "none"), as
// Cloudflare does. TLS 1.2 is the minimum version. PullResult.EdgeStatus is
// the status a visitor would get.
// The pull takes at most Config.PullTimeout (default 10s) or until ctx is
// done, and keeps at most 512 bytes of the answer. Every failure is
// reported in PullResult.Error, never as a panic or a Go error; a client
// certificate the origin refuses shows as a TLS error such as
// "remote error: tls: certificate required" with Status 0, even with
// TLS 1.3, where the origin's refusal arrives only after the handshake.
//
// A pull is not an API request: it is neither counted nor faulted.
func (s *Server) Pull(ctx context.Context, hostname, path string) PullResult {
	if path == "" {
		path = "/"
	}
	start := time.Now()
	res := s.pull(ctx, hostname, path)
	if s.logf != nil {
		outcome := strconv.Itoa(res.Status)
		if res.Error != "" {
			outcome = res.Error
		}
		s.logf("emulator: pull %s%s via %q (level %s) -> %s (%s)", res.Hostname, path, res.Origin, res.Level, outcome, time.Since(start).Round(time.Microsecond))
	}
	return res
}

func (s *Server) pull(ctx context.Context, hostname, path string) PullResult {
	host := normalizeHostname(hostname)
	res := PullResult{Hostname: host, Level: PullLevelNone}
	if !isValidHostname(host) {
		res.Error = fmt.Sprintf("invalid hostname %q", hostname)
		return res
	}
	if !strings.HasPrefix(path, "/") {
		res.Error = fmt.Sprintf("invalid path %q: it must start with /", path)
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, s.pullTimeout)
	defer cancel()
	mode, roots := s.edgeMode(host)
	res.SSLMode = mode
	scheme := "https://"
	if mode == SSLOff || mode == SSLFlexible {
		scheme = "http://"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+host+path, nil)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Close = true
	req.Header.Set("User-Agent", pullUserAgent)

	choice := s.chooseClientCert(host)
	tlsCfg := edgeTLSConfig(mode, host, choice.cert, roots)
	if tlsCfg == nil && choice.err == nil {
		// Plain HTTP: whatever AOP says, no certificate can be presented.
		choice.level, choice.certID, choice.cert = PullLevelNone, "", nil
	}
	res.Origin, res.Level, res.CertificateID = choice.origin, choice.level, choice.certID
	if choice.cert != nil {
		res.CertificateSHA256 = fingerprint(choice.cert.Certificate[0])
	}
	switch {
	case choice.err != nil:
		res.Error = choice.err.Error()
		return res
	case choice.origin == "":
		res.Error = fmt.Sprintf("no origin configured for hostname %s (set one with SetOrigin or POST %sorigins)", host, AdminPrefix)
		return res
	}
	res.Status, res.BodyExcerpt, err = fetch(ctx, choice.origin, req, tlsCfg)
	if err != nil {
		res.Error = err.Error()
	}
	res.EdgeStatus = edgeStatus(res.Status, err)
	return res
}

// chooseClientCert reads the current AOP configuration of host's zone and
// the origin of host.
func (s *Server) chooseClientCert(host string) edgeChoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeLocked(now)
	choice := edgeChoice{origin: s.origins[host], level: PullLevelNone}
	var z *zone
	for _, candidate := range s.zones {
		if inZone(host, candidate.name) && (z == nil || len(candidate.name) > len(z.name)) {
			z = candidate
		}
	}
	if z == nil {
		choice.err = fmt.Errorf("no zone served by the emulator contains hostname %s", host)
		return choice
	}
	present := func(level string, c *certificate) edgeChoice {
		choice.level, choice.certID = level, c.id
		key, err := parseKeyDER(c.keyDER)
		if err != nil { // cannot happen: the key was validated on upload
			choice.err = fmt.Errorf("certificate %s: stored private key: %w", c.id, err)
			return choice
		}
		choice.cert = &tls.Certificate{Certificate: [][]byte{c.der}, PrivateKey: key}
		return choice
	}
	if c := z.presentedAt(host, now); c != nil {
		return present(PullLevelHostname, c)
	}
	if z.zoneLevelEnabled {
		var latest *certificate
		for _, c := range z.certs { // upload order: a tie goes to the later upload
			if c.kind == kindZone && c.status(now) == StatusActive && (latest == nil || !c.activeAt.Before(latest.activeAt)) {
				latest = c
			}
		}
		if latest != nil {
			return present(PullLevelZone, latest)
		}
	}
	if z.tlsClientAuth == "on" {
		choice.level = PullLevelGlobal
		choice.cert = &s.globalCert
	}
	return choice
}

// fetch connects to origin (a loopback address), shakes hands with tlsCfg
// (plain HTTP when it is nil), sends req and reads the status and at most
// maxPullBody bytes of the answer. Errors say in which phase they happened.
func fetch(ctx context.Context, origin string, req *http.Request, tlsCfg *tls.Config) (int, string, error) {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", origin)
	if err != nil {
		return 0, "", failedIn(phaseConnect, err)
	}
	defer func() { _ = conn.Close() }()
	if tcp, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		return 0, "", fmt.Errorf("origin %s resolved to non-loopback address %s", origin, conn.RemoteAddr())
	}
	// Reads and writes below are bounded by ctx: its deadline, and its
	// cancellation, which makes them fail at once.
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var rw io.ReadWriter = conn
	if tlsCfg != nil {
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return 0, "", tlsFailure(err)
		}
		rw = tc
	}
	// With TLS 1.3 the client's handshake completes before the origin has
	// checked the client certificate; a refusal arrives as an alert on the
	// first read, possibly after the write failed because the origin had
	// already closed the connection. Read even then: the alert is the
	// better explanation.
	writeErr := req.Write(rw)
	resp, err := http.ReadResponse(bufio.NewReader(rw), req)
	if err != nil {
		if isRemoteAlert(err) {
			return 0, "", failedIn(phaseTLS, err)
		}
		if writeErr != nil {
			return 0, "", failedIn(phaseHTTP, writeErr)
		}
		return 0, "", failedIn(phaseHTTP, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPullBody))
	return resp.StatusCode, string(body), err
}

// isRemoteAlert reports whether err is a TLS alert received from the peer.
func isRemoteAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}
