package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

func TestSSLSetting(t *testing.T) {
	e := newEnv(t)
	var got settingJSON
	e.do(http.MethodGet, e.zonePath("/settings/ssl"), nil).ok(t, &got)
	if got.ID != "ssl" || got.Value != SSLFull || got.ModifiedOn != nil {
		t.Fatalf("default ssl setting = %+v, want full, never modified", got)
	}
	for _, mode := range []string{SSLOff, SSLFlexible, SSLStrict, SSLFull} {
		e.do(http.MethodPatch, e.zonePath("/settings/ssl"), map[string]string{"value": mode}).ok(t, &got)
		if got.Value != mode || got.ModifiedOn == nil {
			t.Fatalf("after PATCH %s: %+v", mode, got)
		}
	}
	e.do(http.MethodPatch, e.zonePath("/settings/ssl"), map[string]string{"value": "full_strict"}).
		fails(t, http.StatusBadRequest, codeInvalidSetting, `Invalid value for zone setting ssl: "full_strict"`)
	e.do(http.MethodPatch, e.zonePath("/settings/ssl"), map[string]string{}).fails(t, http.StatusBadRequest, codeInvalidRequest, "value is required")
	if err := e.s.SetSSLMode(e.zoneID, SSLFlexible); err != nil {
		t.Fatal(err)
	}
	if st := e.s.Snapshot(); st.Zones[0].Settings.SSL != SSLFlexible {
		t.Fatalf("snapshot ssl = %q", st.Zones[0].Settings.SSL)
	}
	e.s.Reset()
	e.do(http.MethodGet, e.zonePath("/settings/ssl"), nil).ok(t, &got)
	if got.Value != SSLFull {
		t.Fatalf("after Reset: %+v", got)
	}
	if err := e.s.SetSSLMode(e.zoneID, "tls"); err == nil {
		t.Fatal("SetSSLMode accepted an invalid mode")
	}
}

// In Off and Flexible mode the edge pulls over plain HTTP and presents no
// client certificate, even with AOP on: the visitor sees whatever the
// origin answers to plain HTTP.
func TestEdge_FlexiblePullsPlainHTTPWithoutCertificate(t *testing.T) {
	for _, mode := range []string{SSLOff, SSLFlexible} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.setGlobal(true)
			var sawTLS bool
			var mu sync.Mutex
			plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				sawTLS = r.TLS != nil
				mu.Unlock()
				_, _ = io.WriteString(w, "plain")
			}))
			t.Cleanup(plain.Close)
			if err := e.s.SetOrigin(edgeHost, plain.Listener.Addr().String()); err != nil {
				t.Fatal(err)
			}
			if err := e.s.SetSSLMode(e.zoneID, mode); err != nil {
				t.Fatal(err)
			}
			got := e.pull()
			if got.Error != "" || got.Status != 200 || got.EdgeStatus != 200 || got.BodyExcerpt != "plain" || got.SSLMode != mode {
				t.Fatalf("pull = %+v", got)
			}
			if got.Level != PullLevelNone || got.CertificateSHA256 != "" || sawTLS {
				t.Fatalf("a certificate or TLS in %s mode: %+v (TLS %v)", mode, got, sawTLS)
			}
			// The same zone in Full mode presents the global certificate.
			ca, _ := e.s.OriginPullCA()
			o := newTestOrigin(t, 0, ca)
			if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
				t.Fatal(err)
			}
			got = e.pull()
			if got.Status != http.StatusBadRequest || got.EdgeStatus != http.StatusBadRequest || o.lastPeer() != nil {
				t.Fatalf("plain HTTP to a TLS origin: %+v", got)
			}
			if err := e.s.SetSSLMode(e.zoneID, SSLFull); err != nil {
				t.Fatal(err)
			}
			wantPull(t, e.pull(), PullLevelGlobal, "", e.s.GlobalCertificate(), o)
		})
	}
}

func TestEdge_StatusesVisitorsWouldSee(t *testing.T) {
	// The pulls that must get an answer have the default timeout: on a
	// starved machine a TLS handshake can take longer than the short one
	// that the silent origin below gets.
	e := newEnv(t)
	ca, _ := e.s.OriginPullCA()

	// 525: the origin refuses the missing client certificate, in TLS 1.2
	// during the handshake, in TLS 1.3 after it.
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		o := newTestOrigin(t, version, ca)
		if err := e.s.SetOrigin(edgeHost, o.addr); err != nil {
			t.Fatal(err)
		}
		if got := e.pull(); got.EdgeStatus != StatusSSLHandshakeFail || got.Status != 0 {
			t.Fatalf("refused certificate (TLS version %x): %+v", version, got)
		}
	}
	// The origin's own status passes through.
	e.setGlobal(true)
	if got := e.pull(); got.EdgeStatus != http.StatusOK {
		t.Fatalf("accepted pull: %+v", got)
	}

	// 521: nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	if err := e.s.SetOrigin(edgeHost, closed); err != nil {
		t.Fatal(err)
	}
	if got := e.pull(); got.EdgeStatus != StatusWebServerDown {
		t.Fatalf("closed port: %+v", got)
	}

	// 522: the origin accepts the connection and never shakes hands.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		_ = silent.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	if err := e.s.SetOrigin(edgeHost, silent.Addr().String()); err != nil {
		t.Fatal(err)
	}
	e.s.pullTimeout = 300 * time.Millisecond
	if got := e.pull(); got.EdgeStatus != StatusConnectionTimeout {
		t.Fatalf("silent origin: %+v", got)
	}

	// 0: the edge did not try.
	if got := e.s.Pull(t.Context(), "www.example.net", "/"); got.EdgeStatus != 0 {
		t.Fatalf("no zone: %+v", got)
	}
}

// newServerOrigin serves 200 "ok" over TLS with a certificate for edgeHost
// signed by ca, without asking for a client certificate.
func newServerOrigin(t *testing.T, cert testcerts.Pair) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{cert.Cert.Raw}, PrivateKey: cert.Key}}, MinVersion: tls.VersionTLS12}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

func TestEdge_StrictVerifiesOriginCertificate(t *testing.T) {
	e := newEnv(t)
	originCA := testcerts.NewCA(t, "Origin CA")
	good := testcerts.NewLeaf(t, testcerts.WithIssuer(originCA), testcerts.WithDNSNames(edgeHost), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	wrongName := testcerts.NewLeaf(t, testcerts.WithIssuer(originCA), testcerts.WithDNSNames("other.example.com"), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	selfSigned := testcerts.NewLeaf(t, testcerts.WithDNSNames(edgeHost), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	if err := e.s.SetOriginTrust([]byte(originCA.CertPEM)); err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetSSLMode(e.zoneID, SSLStrict); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cert   testcerts.Pair
		status int
		errHas string
	}{
		{"valid", good, http.StatusOK, ""},
		{"wrong name", wrongName, StatusInvalidSSLCert, "certificate is valid for other.example.com"},
		{"untrusted", selfSigned, StatusInvalidSSLCert, "certificate signed by unknown authority"},
	} {
		if err := e.s.SetOrigin(edgeHost, newServerOrigin(t, tc.cert)); err != nil {
			t.Fatal(err)
		}
		got := e.pull()
		if got.EdgeStatus != tc.status || !strings.Contains(got.Error, tc.errHas) || got.SSLMode != SSLStrict {
			t.Fatalf("%s: %+v", tc.name, got)
		}
		// Full mode does not look at the origin's certificate.
		if err := e.s.SetSSLMode(e.zoneID, SSLFull); err != nil {
			t.Fatal(err)
		}
		if got := e.pull(); got.EdgeStatus != http.StatusOK {
			t.Fatalf("%s in full mode: %+v", tc.name, got)
		}
		if err := e.s.SetSSLMode(e.zoneID, SSLStrict); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.SetOriginTrust([]byte("not pem")); err == nil {
		t.Fatal("SetOriginTrust accepted no certificate")
	}
}

func TestAdminOriginTrust(t *testing.T) {
	e := newEnv(t)
	ca := testcerts.NewCA(t, "Admin Origin CA")
	if r := e.do(http.MethodPost, AdminPrefix+"origin-trust", map[string]string{"pem": ca.CertPEM}); r.status != http.StatusOK {
		t.Fatalf("POST origin-trust: %d %s", r.status, r.raw)
	}
	want := x509.NewCertPool()
	want.AddCert(ca.Cert)
	if _, roots := e.s.edgeMode(edgeHost); roots == nil || !roots.Equal(want) {
		t.Fatal("the admin endpoint did not set the origin trust")
	}
	e.do(http.MethodPost, AdminPrefix+"origin-trust", map[string]string{"pem": "nope"}).fails(t, http.StatusBadRequest, codeInvalidRequest, "no PEM certificate")
	if r := e.do(http.MethodPost, AdminPrefix+"origin-trust", map[string]string{"pem": ""}); r.status != http.StatusOK {
		t.Fatalf("POST origin-trust with an empty pem: %d %s", r.status, r.raw)
	}
	if _, roots := e.s.edgeMode(edgeHost); roots != nil {
		t.Fatal("an empty pem did not restore the system's roots")
	}
}
