package emulator

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const edgeHost = "app.example.com"

// testOrigin is a TLS origin on 127.0.0.1 that requires and verifies client
// certificates, answering 200 "ok" (or 2000 bytes at /big). It records the
// SNI of every ClientHello and, for every answered request, the Host
// header, the path and the client certificate.
type testOrigin struct {
	addr string

	mu    sync.Mutex
	snis  []string
	hosts []string
	paths []string
	peers []*x509.Certificate
}

// newTestOrigin starts an origin trusting the given CAs; maxVersion 0 means
// the default (TLS 1.3).
func newTestOrigin(t *testing.T, maxVersion uint16, trusted ...*x509.Certificate) *testOrigin {
	t.Helper()
	pool := x509.NewCertPool()
	for _, c := range trusted {
		pool.AddCert(c)
	}
	o := &testOrigin{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hosts = append(o.hosts, r.Host)
		o.paths = append(o.paths, r.URL.Path)
		if len(r.TLS.PeerCertificates) > 0 {
			o.peers = append(o.peers, r.TLS.PeerCertificates[0])
		}
		o.mu.Unlock()
		if r.URL.Path == "/big" {
			_, _ = io.WriteString(w, strings.Repeat("x", 2000))
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	ts.TLS = &tls.Config{
		ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs:  pool,
		MinVersion: tls.VersionTLS12,
		MaxVersion: maxVersion,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.snis = append(o.snis, hello.ServerName)
			return nil, nil
		},
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	o.addr = ts.Listener.Addr().String()
	return o
}

func (o *testOrigin) lastPeer() *x509.Certificate {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.peers) == 0 {
		return nil
	}
	return o.peers[len(o.peers)-1]
}

func (o *testOrigin) answered() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.hosts)
}

// edgeCA is the test CA that signs the certificates uploaded in these tests.
func edgeCA(t *testing.T) testcerts.Pair {
	t.Helper()
	return testcerts.NewCA(t, "Edge Test Client CA")
}

func edgeLeaf(t *testing.T, ca testcerts.Pair) testCert {
	t.Helper()
	p := testcerts.NewLeaf(t, testcerts.WithIssuer(ca))
	return testCert{cert: p.Cert, certPEM: p.CertPEM, keyPEM: p.KeyPEM, key: p.Key}
}

func (e *testEnv) setGlobal(on bool) {
	e.t.Helper()
	v := "off"
	if on {
		v = "on"
	}
	e.do(http.MethodPatch, e.zonePath("/settings/tls_client_auth"), map[string]string{"value": v}).ok(e.t, nil)
}

func (e *testEnv) setZoneLevel(enabled bool) {
	e.t.Helper()
	e.do(http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": enabled}).ok(e.t, nil)
}

func (e *testEnv) pull() PullResult {
	e.t.Helper()
	return e.s.Pull(context.Background(), edgeHost, "/")
}

// wantPull checks a pull that reached the origin and got 200 "ok" with the
// certificate of level; want is the presented certificate.
func wantPull(t *testing.T, got PullResult, level, certID string, want *x509.Certificate, o *testOrigin) {
	t.Helper()
	if got.Error != "" || got.Status != http.StatusOK || got.BodyExcerpt != "ok" {
		t.Fatalf("want 200 ok, got %+v", got)
	}
	if got.Level != level || got.CertificateID != certID || got.CertificateSHA256 != fingerprint(want.Raw) {
		t.Fatalf("want level %s, certificate %q %s, got %+v", level, certID, fingerprint(want.Raw), got)
	}
	if peer := o.lastPeer(); peer == nil || !peer.Equal(want) {
		t.Fatalf("the origin did not receive the %s certificate", level)
	}
}

// wantRefused checks a pull that the origin refused during or right after
// the TLS handshake.
func wantRefused(t *testing.T, got PullResult, level string) {
	t.Helper()
	if got.Status != 0 || got.Error == "" || !strings.Contains(got.Error, "tls:") || got.Level != level {
		t.Fatalf("want a TLS refusal at level %s, got %+v", level, got)
	}
}

func TestEdge_NoAOPIsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		version uint16
		alert   string
	}{
		{"TLS 1.2", tls.VersionTLS12, "remote error: tls: handshake failure"},
		{"TLS 1.3", tls.VersionTLS13, "remote error: tls: certificate required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ca, _ := e.s.OriginPullCA()
			o := newTestOrigin(t, tc.version, ca)
			if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
				t.Fatal(err)
			}
			got := e.pull()
			wantRefused(t, got, PullLevelNone)
			if got.CertificateID != "" || got.CertificateSHA256 != "" || got.Origin != o.addr || got.Hostname != edgeHost {
				t.Fatalf("result %+v", got)
			}
			// Go origins answer a missing certificate with the alert
			// handshake_failure in TLS 1.2, certificate_required in TLS 1.3.
			if !strings.Contains(got.Error, tc.alert) {
				t.Fatalf("error %q, want the alert %q", got.Error, tc.alert)
			}
			if o.answered() != 0 {
				t.Fatal("the origin answered a pull without a client certificate")
			}
		})
	}
}

func TestEdge_GlobalCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ca, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, ca)
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)
	global := e.s.GlobalCertificate()
	wantPull(t, e.pull(), PullLevelGlobal, "", global, o)

	// The certificate stands in for Cloudflare's shared one.
	if global.Subject.CommonName != "origin-pull.cloudflare.net emulated" || global.IsCA ||
		!slices.Equal(global.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
		t.Fatalf("global certificate: CN %q, CA %v, EKU %v", global.Subject.CommonName, global.IsCA, global.ExtKeyUsage)
	}
	if pub, ok := global.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Fatalf("global certificate key %T, want ECDSA P-256", global.PublicKey)
	}
	if err := global.CheckSignatureFrom(ca); err != nil {
		t.Fatalf("global certificate not signed by the origin-pull CA: %v", err)
	}
	if d := global.NotAfter.Sub(global.NotBefore); d < 365*24*time.Hour || d > 367*24*time.Hour || time.Now().Before(global.NotBefore) {
		t.Fatalf("global certificate valid %s to %s", global.NotBefore, global.NotAfter)
	}

	// An origin that trusts only another CA refuses it.
	other := newTestOrigin(t, 0, edgeCA(t).Cert)
	if err := e.s.SetOrigin(edgeHost, other.addr); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, e.pull(), PullLevelGlobal)

	// Turning global AOP off again stops presenting it.
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(false)
	wantRefused(t, e.pull(), PullLevelNone)
}

func TestEdge_ZoneCertificateBeatsGlobal(t *testing.T) {
	t.Parallel()
	ca := edgeCA(t)
	e := newEnv(t)
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, ca.Cert, pullCA)
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)
	first := edgeLeaf(t, ca)
	zc1 := e.uploadZoneCert(first)
	// Uploaded but zone-level AOP not enabled: still global.
	wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o)

	e.setZoneLevel(true)
	wantPull(t, e.pull(), PullLevelZone, zc1.ID, first.cert, o)

	// Several active zone certificates: the most recently deployed one (here also the last uploaded; see TestEmulator_EdgePresentsMostRecentlyDeployedZoneCertificate).
	second := edgeLeaf(t, ca)
	zc2 := e.uploadZoneCert(second)
	wantPull(t, e.pull(), PullLevelZone, zc2.ID, second.cert, o)
	// Deleting it brings back the first.
	e.do(http.MethodDelete, e.aopPath("/"+zc2.ID), nil).ok(t, nil)
	wantPull(t, e.pull(), PullLevelZone, zc1.ID, first.cert, o)

	// Disabling zone-level AOP falls back to global, then to none.
	e.setZoneLevel(false)
	wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o)
	e.setGlobal(false)
	wantRefused(t, e.pull(), PullLevelNone)
	// Zone-level AOP works without global AOP.
	e.setZoneLevel(true)
	wantPull(t, e.pull(), PullLevelZone, zc1.ID, first.cert, o)
}

func TestEdge_HostnameBindingBeatsZoneAndGlobal(t *testing.T) {
	t.Parallel()
	ca := edgeCA(t)
	e := newEnv(t)
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, ca.Cert, pullCA)
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)
	zoneLeaf := edgeLeaf(t, ca)
	zc := e.uploadZoneCert(zoneLeaf)
	e.setZoneLevel(true)
	hostLeaf := edgeLeaf(t, ca)
	hc := e.uploadHostnameCert(hostLeaf)

	e.bind(edgeHost, hc.ID, ptr(true)).ok(t, nil)
	wantPull(t, e.pull(), PullLevelHostname, hc.ID, hostLeaf.cert, o)

	// Another hostname of the zone, without a binding, gets the zone's.
	const other = "www.example.com"
	if err := e.s.SetOrigin(other, o.addr); err != nil {
		t.Fatal(err)
	}
	wantPull(t, e.s.Pull(context.Background(), other, "/"), PullLevelZone, zc.ID, zoneLeaf.cert, o)

	// A disabled binding falls through to zone-level, then to global.
	e.bind(edgeHost, hc.ID, ptr(false)).ok(t, nil)
	wantPull(t, e.pull(), PullLevelZone, zc.ID, zoneLeaf.cert, o)
	e.setZoneLevel(false)
	wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o)

	// Enabled again it wins, even without zone-level or global AOP.
	e.setGlobal(false)
	e.bind(edgeHost, hc.ID, ptr(true)).ok(t, nil)
	wantPull(t, e.pull(), PullLevelHostname, hc.ID, hostLeaf.cert, o)

	// A removed binding (enabled: null) falls through too.
	e.bind(edgeHost, hc.ID, nil).ok(t, nil)
	wantRefused(t, e.pull(), PullLevelNone)
}

func TestEdge_PendingCertificateIsNotPresented(t *testing.T) {
	t.Parallel()
	const delay = time.Minute
	ca := edgeCA(t)
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, ca.Cert, pullCA)
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)

	// A zone certificate pending deployment is not presented...
	zoneLeaf := edgeLeaf(t, ca)
	zc := e.uploadZoneCert(zoneLeaf)
	e.setZoneLevel(true)
	if zc.Status != StatusPendingDeployment {
		t.Fatalf("zone certificate %s", zc.Status)
	}
	wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o)
	e.clock.Advance(delay) // ...until it is active.
	wantPull(t, e.pull(), PullLevelZone, zc.ID, zoneLeaf.cert, o)

	// Nor is a hostname certificate pending deployment, even when bound.
	hostLeaf := edgeLeaf(t, ca)
	hc := e.uploadHostnameCert(hostLeaf)
	e.bind(edgeHost, hc.ID, ptr(true)).ok(t, nil)
	wantPull(t, e.pull(), PullLevelZone, zc.ID, zoneLeaf.cert, o)
	e.clock.Advance(delay)
	wantPull(t, e.pull(), PullLevelHostname, hc.ID, hostLeaf.cert, o)
}

// The edge keeps the deployed association until a change is deployed, as
// the gap record (HostnameGaps) assumes.
func TestEdge_KeepsDeployedAssociationUntilChangeDeploys(t *testing.T) {
	t.Parallel()
	const delay = 10 * time.Second
	ca := edgeCA(t)
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, ca.Cert, pullCA)
	if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)
	leafA, leafB := edgeLeaf(t, ca), edgeLeaf(t, ca)
	a := e.uploadHostnameCert(leafA)
	e.bind(edgeHost, a.ID, ptr(true)).ok(t, nil)
	e.clock.Advance(delay)
	wantPull(t, e.pull(), PullLevelHostname, a.ID, leafA.cert, o)
	b := e.uploadHostnameCert(leafB)
	e.clock.Advance(delay)

	e.bind(edgeHost, b.ID, ptr(true)).ok(t, nil)
	wantPull(t, e.pull(), PullLevelHostname, a.ID, leafA.cert, o) // B pending
	e.clock.Advance(delay / 2)
	e.do(http.MethodDelete, e.aopPath("/hostnames/certificates/"+a.ID), nil).ok(t, nil)
	wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o) // nothing deployed to present
	if g := e.s.HostnameGaps(e.zoneID, edgeHost); len(g) != 1 || !g[0].End.IsZero() {
		t.Fatalf("gaps while the edge falls through: %v", g)
	}
	e.clock.Advance(delay / 2)
	wantPull(t, e.pull(), PullLevelHostname, b.ID, leafB.cert, o)
	if g := e.s.HostnameGaps(e.zoneID, edgeHost); len(g) != 1 || g[0].End.Sub(g[0].Start) != delay/2 {
		t.Fatalf("gaps once B is deployed: %v", g)
	}
}

func TestEdge_SNIHostAndPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, pullCA)
	if err := e.s.SetOrigin("App.Example.com.", o.addr); err != nil {
		t.Fatal(err)
	}
	e.setGlobal(true)

	got := e.s.Pull(context.Background(), "APP.example.com", "/health?full=1")
	wantPull(t, got, PullLevelGlobal, "", e.s.GlobalCertificate(), o)
	if got.Hostname != edgeHost {
		t.Fatalf("hostname %q", got.Hostname)
	}
	o.mu.Lock()
	snis, hosts, paths := o.snis, o.hosts, o.paths
	o.mu.Unlock()
	if !slices.Equal(snis, []string{edgeHost}) || !slices.Equal(hosts, []string{edgeHost}) || !slices.Equal(paths, []string{"/health"}) {
		t.Fatalf("origin saw SNI %q, Host %q, path %q", snis, hosts, paths)
	}

	// The body excerpt is bounded.
	got = e.s.Pull(context.Background(), edgeHost, "/big")
	if got.Error != "" || got.Status != http.StatusOK || got.BodyExcerpt != strings.Repeat("x", 512) {
		t.Fatalf("big answer: status %d, %d bytes, error %q", got.Status, len(got.BodyExcerpt), got.Error)
	}
	if got := e.s.Pull(context.Background(), edgeHost, "health"); !strings.Contains(got.Error, "must start with /") || got.Status != 0 {
		t.Fatalf("relative path: %+v", got)
	}
}

func TestEdge_PullErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setGlobal(true)

	got := e.pull()
	if got.Status != 0 || got.Origin != "" || got.Error != "no origin configured for hostname app.example.com (set one with SetOrigin or POST /__emulator/origins)" {
		t.Fatalf("no origin: %+v", got)
	}
	if got.Level != PullLevelGlobal || got.CertificateSHA256 == "" {
		t.Fatalf("the level is reported even without an origin: %+v", got)
	}

	got = e.s.Pull(context.Background(), "www.example.net", "/")
	if got.Error != "no zone served by the emulator contains hostname www.example.net" || got.Level != PullLevelNone {
		t.Fatalf("no zone: %+v", got)
	}
	if got := e.s.Pull(context.Background(), "bad host", "/"); got.Error != `invalid hostname "bad host"` {
		t.Fatalf("bad hostname: %+v", got)
	}

	// A closed port: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	if err := e.s.SetOrigin(edgeHost, closed); err != nil {
		t.Fatal(err)
	}
	if got := e.pull(); got.Status != 0 || !strings.Contains(got.Error, "connection refused") {
		t.Fatalf("closed port: %+v", got)
	}
}

func TestEdge_PullTimeout(t *testing.T) {
	t.Parallel()
	// An origin that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	e := newEnv(t, func(c *Config) { c.PullTimeout = 200 * time.Millisecond })
	if err := e.s.SetOrigin(edgeHost, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got := e.pull()
	if got.Status != 0 || !strings.Contains(got.Error, "timeout") && !strings.Contains(got.Error, "deadline") {
		t.Fatalf("silent origin: %+v", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("pull took %s with a 200ms timeout", d)
	}

	// Cancelling the context ends the pull too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	e.s.pullTimeout = time.Minute
	if got := e.s.Pull(ctx, edgeHost, "/"); got.Status != 0 || got.Error == "" {
		t.Fatalf("cancelled pull: %+v", got)
	}

	if _, err := New(Config{PullTimeout: -time.Second}); err == nil {
		t.Fatal("a negative pull timeout was accepted")
	}
}

func TestEdge_SetOrigin(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"127.0.0.1:8443", "localhost:8443", "[::1]:8443", "127.0.0.2:443"} {
		if err := s.SetOrigin(edgeHost, addr); err != nil {
			t.Errorf("SetOrigin(%q): %v", addr, err)
		}
	}
	for _, tc := range []struct{ host, addr, want string }{
		{edgeHost, "10.0.0.1:443", "only loopback"},
		{edgeHost, "192.0.2.1:443", "only loopback"},
		{edgeHost, "0.0.0.0:443", "only loopback"},
		{edgeHost, ":443", "only loopback"},
		{edgeHost, "origin.example.net:443", "only loopback"},
		{edgeHost, "127.0.0.1", "invalid address"},
		{edgeHost, "127.0.0.1:0", "port"},
		{edgeHost, "127.0.0.1:https", "port"},
		{"bad host", "127.0.0.1:8443", "invalid origin hostname"},
	} {
		if err := s.SetOrigin(tc.host, tc.addr); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetOrigin(%q, %q) = %v, want an error containing %q", tc.host, tc.addr, err, tc.want)
		}
	}
	if got := s.Origins(); len(got) != 1 || got[edgeHost] != "127.0.0.2:443" {
		t.Fatalf("origins %v", got)
	}
	// Origins returns a copy; Reset keeps the origins; "" removes one.
	s.Origins()[edgeHost] = "changed"
	s.Reset()
	if s.Origins()[edgeHost] != "127.0.0.2:443" {
		t.Fatalf("origins %v", s.Origins())
	}
	if err := s.SetOrigin(edgeHost, ""); err != nil || len(s.Origins()) != 0 {
		t.Fatalf("removal: %v %v", err, s.Origins())
	}
}

func TestEdge_AdminEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pullCA, _ := e.s.OriginPullCA()
	o := newTestOrigin(t, 0, pullCA)

	r := e.do(http.MethodPost, "/__emulator/origins", map[string]string{"hostname": edgeHost, "address": o.addr})
	if r.status != http.StatusOK || strings.TrimSpace(string(r.raw)) != `{"ok":true}` {
		t.Fatalf("POST origins: %d %s", r.status, r.raw)
	}
	var origins map[string]string
	r = e.do(http.MethodGet, "/__emulator/origins", nil)
	if err := json.Unmarshal(r.raw, &origins); err != nil || r.status != http.StatusOK || len(origins) != 1 || origins[edgeHost] != o.addr {
		t.Fatalf("GET origins: %d %s", r.status, r.raw)
	}

	e.setGlobal(true)
	var res PullResult
	r = e.do(http.MethodPost, "/__emulator/pull", map[string]string{"hostname": edgeHost, "path": "/"})
	if err := json.Unmarshal(r.raw, &res); err != nil || r.status != http.StatusOK {
		t.Fatalf("POST pull: %d %s", r.status, r.raw)
	}
	wantPull(t, res, PullLevelGlobal, "", e.s.GlobalCertificate(), o)
	for _, field := range []string{"hostname", "origin", "level", "certificate_id", "certificate_sha256", "status", "body_excerpt", "error"} {
		if !strings.Contains(string(r.raw), `"`+field+`":`) {
			t.Errorf("pull answer lacks %q: %s", field, r.raw)
		}
	}

	// A failed pull is still a successful admin request; path defaults to /.
	e.setGlobal(false)
	res = PullResult{}
	r = e.do(http.MethodPost, "/__emulator/pull", map[string]string{"hostname": edgeHost})
	if err := json.Unmarshal(r.raw, &res); err != nil || r.status != http.StatusOK {
		t.Fatalf("POST pull: %d %s", r.status, r.raw)
	}
	wantRefused(t, res, PullLevelNone)

	// Removal with "".
	e.do(http.MethodPost, "/__emulator/origins", `{"hostname":"app.example.com","address":""}`)
	if len(e.s.Origins()) != 0 {
		t.Fatalf("origins after removal %v", e.s.Origins())
	}

	// Requests the emulator cannot act on.
	e.do(http.MethodPost, "/__emulator/origins", `{"hostname":"app.example.com","address":"10.0.0.1:443"}`).fails(t, 400, codeInvalidRequest, "only loopback")
	e.do(http.MethodPost, "/__emulator/origins", `{"hostname":"app.example.com"}`).fails(t, 400, codeInvalidRequest, "address")
	e.do(http.MethodPost, "/__emulator/origins", `{"hostname":"app.example.com","origin_address":"127.0.0.1:1"}`).fails(t, 400, codeInvalidJSON, "unknown field")
	e.do(http.MethodPost, "/__emulator/origins", `not json`).fails(t, 400, codeInvalidJSON, "")
	e.do(http.MethodPost, "/__emulator/pull", `{"path":"/"}`).fails(t, 400, codeInvalidRequest, "hostname")
	e.do(http.MethodPost, "/__emulator/pull", `{"hostname":"app.example.com"} {}`).fails(t, 400, codeInvalidJSON, "")
	r = e.do(http.MethodDelete, "/__emulator/origins", nil)
	r.fails(t, 405, codeMethodNotAllowed, "")
	if r.header.Get("Allow") != "GET, POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	r = e.do(http.MethodGet, "/__emulator/pull", nil)
	r.fails(t, 405, codeMethodNotAllowed, "")
	if r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	e.doWith(http.MethodPost, "/__emulator/pull", `{"hostname":"app.example.com"}`, nil).fails(t, 403, codeAuth, msgAuth)

	// Neither the admin requests nor the pulls are counted.
	for k := range e.s.Counts() {
		if !strings.Contains(k, "/settings/tls_client_auth") {
			t.Fatalf("unexpected count %q: %v", k, e.s.Counts())
		}
	}
}
