package emulator

import (
	"crypto"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// DefaultZone is the zone served when Config.Zones is empty.
const DefaultZone = "example.com"

// APIPrefix is the path prefix of the emulated API, as in
// https://api.cloudflare.com/client/v4.
const APIPrefix = "/client/v4"

// CAPath is where the origin-pull CA certificate is served (without
// authentication), as on developers.cloudflare.com.
const CAPath = "/ssl/static/authenticated_origin_pull_ca.pem"

// AdminPrefix is the path prefix of the emulator's own control endpoints.
const AdminPrefix = "/__emulator/"

// maxBodyBytes bounds request bodies; certificates and keys are a few KiB.
const maxBodyBytes = 1 << 20

// Config configures a Server.
type Config struct {
	// Zones are the zone names served, e.g. "example.com". Zone IDs are
	// deterministic: hex(sha256("cfaop-emulator-zone:"+name))[:32].
	// Empty means DefaultZone.
	Zones []string
	// Token is the accepted API token (Authorization: Bearer <token>).
	// Empty means a random one (NewToken); Server.Token returns it.
	Token string
	// ScopedTokens are further accepted API tokens, each limited to the
	// given permissions (an Edit includes its Read). A request outside a
	// token's permissions is answered HTTP 403, code 10000, as on
	// Cloudflare. Token and the API key keep every permission; scoped
	// tokens cannot use the admin endpoints.
	ScopedTokens map[string][]Permission
	// APIKey and Email enable the legacy X-Auth-Key + X-Auth-Email
	// authentication when both are set; a request must match both.
	APIKey, Email string
	// Delay is how long status transitions take: pending_deployment ->
	// active, pending_deletion -> deleted, and deleted -> purged (404).
	// Zero makes the next read see the final state. It sets all four
	// transitions of Delays; Delays' non-zero fields override it.
	Delay time.Duration
	// Delays sets each transition apart (and adds jitter); a zero field
	// takes Delay.
	Delays Delays
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logf, when set, receives one line per request (method, path shape,
	// status, duration). Bodies are never logged: they carry private keys.
	Logf func(format string, args ...any)
	// PullTimeout bounds one Pull (connect, TLS handshake, request and
	// response). Zero means DefaultPullTimeout.
	PullTimeout time.Duration
	// Latency is added before every API request is answered, as the round
	// trip to Cloudflare would (injected faults add their own on top).
	Latency time.Duration
	// RateLimit enforces Cloudflare's API rate limit; off unless
	// RateLimit.Limit is set (CloudflareRateLimit for the real figure).
	RateLimit RateLimit
	// ZoneCertWriteTime is how long a zone-certificate upload or delete
	// takes: its answer is held that long, and another zone-certificate
	// upload or delete in the same zone meanwhile gets HTTP 409, as on
	// Cloudflare. Zero means DefaultZoneCertWriteTime; negative turns the
	// 409 answers off.
	ZoneCertWriteTime time.Duration
	// IPRanges is what GET /client/v4/ips answers; empty means Cloudflare's
	// published ranges (CloudflareIPv4CIDRs, CloudflareIPv6CIDRs).
	IPRanges IPRanges
}

// Server is the emulator. Create it with New; it is safe for concurrent use.
type Server struct {
	token, apiKey, email string
	scoped               map[string]permissionSet
	nowFn                func() time.Time
	logf                 func(format string, args ...any)
	router               *router
	handler              http.Handler

	caCert *x509.Certificate
	caKey  crypto.Signer
	caPEM  []byte

	globalCert  tls.Certificate // presented by Pull for global AOP
	pullTimeout time.Duration

	mu                sync.Mutex
	zoneCertWriteTime time.Duration
	delays            Delays
	latency           time.Duration
	rate              rateLimiter
	zones             []*zone // in configuration order
	zonesByID         map[string]*zone
	counts            map[string]int
	faults            Faults
	origins           map[string]string // hostname -> loopback host:port, for Pull
	ipRanges          IPRanges          // answered by GET /ips
	// originRoots verify origin certificates in SSL mode strict; nil: the system's.
	originRoots *x509.CertPool

	srvMu sync.Mutex
	srv   *http.Server
	// conns counts the open client connections of a server made by Start.
	conns atomic.Int64
}

// New validates cfg and creates a Server with its own origin-pull CA.
func New(cfg Config) (*Server, error) {
	names := cfg.Zones
	if len(names) == 0 {
		names = []string{DefaultZone}
	}
	s := &Server{
		token:     cfg.Token,
		apiKey:    cfg.APIKey,
		email:     cfg.Email,
		nowFn:     cfg.Now,
		logf:      cfg.Logf,
		router:    newRouter(),
		delays:    UniformDelays(cfg.Delay).overriding(cfg.Delays),
		zonesByID: map[string]*zone{},
		counts:    map[string]int{},
		origins:   map[string]string{},
	}
	if s.token == "" {
		s.token = NewToken()
	}
	s.scoped = map[string]permissionSet{}
	for tok, perms := range cfg.ScopedTokens {
		if tok == "" || tok == s.token {
			return nil, fmt.Errorf("emulator: a scoped token must be non-empty and differ from the main token")
		}
		set, err := newPermissionSet(perms)
		if err != nil {
			return nil, err
		}
		s.scoped[tok] = set
	}
	if s.nowFn == nil {
		s.nowFn = time.Now
	}
	if cfg.Delay < 0 {
		return nil, fmt.Errorf("emulator: negative delay %s", cfg.Delay)
	}
	if err := cfg.Delays.validate(); err != nil {
		return nil, err
	}
	if cfg.Latency < 0 {
		return nil, fmt.Errorf("emulator: negative latency %s", cfg.Latency)
	}
	s.latency = cfg.Latency
	switch {
	case cfg.ZoneCertWriteTime == 0:
		s.zoneCertWriteTime = DefaultZoneCertWriteTime
	case cfg.ZoneCertWriteTime > 0:
		s.zoneCertWriteTime = cfg.ZoneCertWriteTime
	}
	rate, err := cfg.RateLimit.normalized()
	if err != nil {
		return nil, err
	}
	s.rate = rateLimiter{cfg: rate, windows: map[string]*rateWindow{}}
	switch {
	case cfg.PullTimeout < 0:
		return nil, fmt.Errorf("emulator: negative pull timeout %s", cfg.PullTimeout)
	case cfg.PullTimeout == 0:
		s.pullTimeout = DefaultPullTimeout
	default:
		s.pullTimeout = cfg.PullTimeout
	}
	if err := s.SetIPRanges(cfg.IPRanges); err != nil {
		return nil, err
	}
	created := s.now()
	for _, raw := range names {
		name := normalizeHostname(raw)
		if !isValidHostname(name) || !strings.Contains(name, ".") {
			return nil, fmt.Errorf("emulator: invalid zone name %q", raw)
		}
		id := zoneID(name)
		if _, dup := s.zonesByID[id]; dup {
			return nil, fmt.Errorf("emulator: zone %q is configured twice", name)
		}
		z := newZone(id, name, created)
		s.zones = append(s.zones, z)
		s.zonesByID[id] = z
	}
	s.caCert, s.caKey, s.caPEM, err = newOriginPullCA(created)
	if err != nil {
		return nil, fmt.Errorf("emulator: creating the origin-pull CA: %w", err)
	}
	s.globalCert, err = newGlobalCert(s.caCert, s.caKey, time.Now())
	if err != nil {
		return nil, fmt.Errorf("emulator: creating the global origin-pull certificate: %w", err)
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, nil
}

func zoneID(name string) string {
	sum := sha256.Sum256([]byte("cfaop-emulator-zone:" + name))
	return hex.EncodeToString(sum[:])[:32]
}

func (s *Server) now() time.Time { return s.nowFn().UTC() }

// Handler returns the whole emulator (API, CA endpoint and admin endpoints)
// as one handler, for example for httptest.NewServer.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr, which must be a loopback address such as
// "127.0.0.1:0" or "localhost:8787", serves in the background and returns
// the API base URL, e.g. "http://127.0.0.1:8787/client/v4".
func (s *Server) Start(addr string) (string, error) {
	if err := checkLoopback(addr); err != nil {
		return "", err
	}
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv != nil {
		return "", errors.New("emulator: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("emulator: %w", err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return "", fmt.Errorf("emulator: %s resolved to non-loopback address %s", addr, ln.Addr())
	}
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ConnState: s.countConn}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
	return "http://" + ln.Addr().String() + APIPrefix, nil
}

func (s *Server) countConn(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Add(-1)
	}
}

// OpenConnections is the number of client connections a server made by
// Start holds open. Once a client process is gone and this is 0, every
// request it had sent has been answered: the server reads a connection to
// its end before closing it.
func (s *Server) OpenConnections() int { return int(s.conns.Load()) }

// checkLoopback refuses listen addresses that are not loopback: an empty
// host (all interfaces), a non-loopback IP or any name but "localhost".
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("emulator: invalid listen address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("emulator: refusing to listen on %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", addr)
}

// Close stops a server started with Start, dropping open connections.
// It is a no-op otherwise.
func (s *Server) Close() error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv = nil
	return err
}

// ZoneID returns the ID of a configured zone, or "" if name is not served.
func (s *Server) ZoneID(name string) string {
	id := zoneID(normalizeHostname(name))
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.zonesByID[id]; !ok {
		return ""
	}
	return id
}

// SetLatency changes the time added before every API request is answered.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// Counts returns the number of requests received per "METHOD /path/shape",
// for example "PUT /zones/{zone_id}/origin_tls_client_auth/hostnames".
// API requests (whatever their outcome) and CA downloads are counted;
// admin requests are not.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// ResetCounts clears the request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
}

func (s *Server) count(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[key]++
}

// OriginPullCAPEM returns the PEM of the emulator's origin-pull CA, served
// at CAPath.
func (s *Server) OriginPullCAPEM() []byte {
	return append([]byte(nil), s.caPEM...)
}

// OriginPullCA returns the emulator's origin-pull CA certificate and key.
func (s *Server) OriginPullCA() (*x509.Certificate, crypto.Signer) {
	return s.caCert, s.caKey
}

// Token returns the accepted API token: Config.Token, or the random one
// made when it was empty.
func (s *Server) Token() string { return s.token }

// SetScopedToken accepts token from now on with only the given permissions
// (see Config.ScopedTokens); an empty list removes it.
func (s *Server) SetScopedToken(token string, perms ...Permission) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token == "" || token == s.token {
		return fmt.Errorf("emulator: a scoped token must be non-empty and differ from the main token")
	}
	if len(perms) == 0 {
		delete(s.scoped, token)
		return nil
	}
	set, err := newPermissionSet(perms)
	if err != nil {
		return err
	}
	s.scoped[token] = set
	return nil
}

// authorized reports whether r carries the configured token or the
// configured legacy key and email: the credentials with every permission,
// the only ones the admin endpoints accept.
func (s *Server) authorized(r *http.Request) bool {
	perms, ok := s.permissions(r)
	return ok && perms == nil
}

// permissions returns what r's credentials may do (nil: everything) and
// whether they are known at all.
func (s *Server) permissions(r *http.Request) (permissionSet, bool) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, false
		}
		tok = strings.TrimSpace(tok)
		if secretEqual(tok, s.token) {
			return nil, true
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for scopedTok, set := range s.scoped {
			if secretEqual(tok, scopedTok) {
				return set, true
			}
		}
		return nil, false
	}
	if s.apiKey != "" && s.email != "" {
		return nil, secretEqual(r.Header.Get("X-Auth-Key"), s.apiKey) && strings.EqualFold(r.Header.Get("X-Auth-Email"), s.email)
	}
	return nil, false
}

func secretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// statusRecorder captures the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if refuseForeignHost(w, r) {
		if s.logf != nil {
			s.logf("emulator: refused a request for host %q: not a loopback name", r.Host)
		}
		return
	}
	path := r.URL.Path
	switch {
	case path == CAPath:
		s.count(r.Method + " " + CAPath)
		s.serveCA(w, r)
	case strings.HasPrefix(path, AdminPrefix):
		s.serveAdmin(w, r)
	case path == APIPrefix || strings.HasPrefix(path, APIPrefix+"/"):
		s.serveAPI(w, r)
	default:
		writeError(w, errorf(http.StatusNotFound, codeNoRoute, msgNoRoute))
	}
}

func (s *Server) serveCA(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed"))
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(s.caPEM)
	}
}

// serveAPI counts the request, applies latency, the rate limit and faults,
// then answers it.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	apiPath := strings.TrimPrefix(r.URL.Path, APIPrefix)
	if apiPath == "" {
		apiPath = "/"
	}
	rt, params, allowed := s.router.match(r.Method, apiPath)
	shape := apiPath
	if rt != nil {
		shape = rt.pattern
	}
	key := r.Method + " " + shape
	s.count(key)
	rec := &statusRecorder{ResponseWriter: w}
	outcome := ""
	defer func() {
		if s.logf == nil {
			return
		}
		status := fmt.Sprint(rec.status)
		if outcome != "" {
			status = outcome
		}
		s.logf("emulator: %s -> %s (%s)", key, status, time.Since(start).Round(time.Microsecond))
	}()

	// Read the body first: the server notices a client that gives up (and
	// cancels the request context) only once the body has been consumed.
	body, bodyErr := io.ReadAll(http.MaxBytesReader(rec, r.Body, maxBodyBytes))

	s.mu.Lock()
	latency := s.latency + s.faults.Latency
	s.mu.Unlock()
	if pause.For(r.Context(), latency) != nil {
		outcome = "client gone"
		return
	}
	if !s.rateLimit(rec, r) {
		outcome = "429 rate limited"
		return
	}
	s.mu.Lock()
	fault, faulted := s.faults.take(r.Method, r.URL.Path, body)
	s.mu.Unlock()
	answer := func(w http.ResponseWriter) {
		s.answerAPI(w, r, rt, params, allowed, apiPath, body, bodyErr)
	}
	if !faulted {
		answer(rec)
		return
	}
	outcome = s.applyFault(rec, r, fault, answer)
}

// answerAPI authenticates, routes and runs the handler.
func (s *Server) answerAPI(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, allowed []string, apiPath string, body []byte, bodyErr error) {
	if rt == nil || !rt.public {
		perms, known := s.permissions(r)
		if !known {
			writeError(w, errorf(http.StatusForbidden, codeAuth, msgAuth))
			return
		}
		if rt != nil && !perms.allows(rt.needs) {
			// A token without the route's permission gets the same answer
			// as a wrong token on Cloudflare [obs].
			writeError(w, errorf(http.StatusForbidden, codeAuth, msgAuth))
			return
		}
	}
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed"))
			return
		}
		writeError(w, errorf(http.StatusNotFound, codeNoRoute, msgNoRoute))
		return
	}
	if bodyErr != nil {
		writeError(w, errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid request: the request body could not be read (%v)", bodyErr))
		return
	}
	req := &apiRequest{r: r, params: params, body: body}

	s.mu.Lock()
	req.now = s.now()
	s.purgeLocked(req.now)
	var result any
	var info *resultInfo
	var apiErr *apiError
	if id, ok := params["zone_id"]; ok {
		req.zone = s.zonesByID[id]
		if req.zone == nil {
			apiErr = errorf(http.StatusNotFound, codeNoRoute, "Could not route to %s, perhaps your object identifier is invalid?", apiPath)
		}
	}
	zoneCertWrite := apiErr == nil && isZoneCertWrite(rt)
	if zoneCertWrite {
		apiErr = s.checkZoneCertBusyLocked(req.zone)
	}
	if apiErr == nil {
		result, info, apiErr = rt.handle(s, req)
	}
	var hold time.Duration
	if zoneCertWrite && apiErr == nil {
		hold = s.markZoneCertBusyLocked(req.zone)
	}
	s.mu.Unlock()
	_ = pause.For(r.Context(), hold)

	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeSuccess(w, result, info)
}
