package emulator

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEmulator_OriginPullCA(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, raw := e.send(http.DefaultClient, http.MethodGet, CAPath, nil, nil) // no authentication needed
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-pem-file" {
		t.Fatalf("CA endpoint: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if string(raw) != string(e.s.OriginPullCAPEM()) {
		t.Fatal("served CA differs from OriginPullCAPEM")
	}
	block, rest := pem.Decode(raw)
	if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
		t.Fatalf("not one PEM certificate: %q", raw)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || !cert.BasicConstraintsValid || cert.Subject.CommonName != "Emulated Origin Pull CA" || cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Fatalf("CA certificate: IsCA %v CN %q", cert.IsCA, cert.Subject.CommonName)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	caCert, caKey := e.s.OriginPullCA()
	if !caCert.Equal(cert) {
		t.Fatal("OriginPullCA certificate differs")
	}
	if pub, ok := caKey.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		t.Fatal("OriginPullCA key does not match the certificate")
	}
	// OriginPullCAPEM returns a copy.
	p := e.s.OriginPullCAPEM()
	p[0] = 'X'
	if e.s.OriginPullCAPEM()[0] == 'X' {
		t.Fatal("OriginPullCAPEM must return a copy")
	}
	// Each emulator has its own CA.
	other, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if string(other.OriginPullCAPEM()) == string(raw) {
		t.Fatal("two emulators share a CA")
	}
	resp, _ = e.send(http.DefaultClient, http.MethodPost, CAPath, nil, nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST CA: %d", resp.StatusCode)
	}
	resp, raw = e.send(http.DefaultClient, http.MethodHead, CAPath, nil, nil)
	if resp.StatusCode != http.StatusOK || len(raw) != 0 {
		t.Fatalf("HEAD CA: %d %d bytes", resp.StatusCode, len(raw))
	}
}

func TestEmulator_StartAndClose(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:80", "example.com:80", "127.0.0.1"} {
		if _, err := s.Start(addr); err == nil {
			t.Fatalf("Start(%q) accepted a non-loopback address", addr)
		}
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/client/v4") {
		t.Fatalf("base URL %q", base)
	}
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Fatal("second Start should fail")
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/zones?name=example.com", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), s.ZoneID("example.com")) {
		t.Fatalf("GET /zones: %d %s", resp.StatusCode, body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the server still answers after Close")
	}
	// It can be started again, on "localhost" too.
	if _, err = s.Start("localhost:0"); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestEmulator_RequestLogNeverHasBodies(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lines []string
	e := newEnv(t, func(c *Config) {
		c.Logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, fmt.Sprintf(format, args...))
		}
	})
	leaf := newLeaf(t, certOpts{})
	e.uploadHostnameCert(leaf)
	e.do(http.MethodPost, e.aopPath(""), map[string]string{"certificate": leaf.certPEM, "private_key": "garbage-secret"})
	e.s.SetFaults(Faults{FailNext: []Fault{{Status: 503}}})
	e.do(http.MethodGet, "/zones", nil)
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(lines, "\n")
	if len(lines) != 3 || !strings.Contains(all, "POST /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates -> 200") ||
		!strings.Contains(all, "-> 400") || !strings.Contains(all, "fault: 503") {
		t.Fatalf("log lines:\n%s", all)
	}
	for _, secret := range []string{"PRIVATE KEY", "garbage-secret", "CERTIFICATE-----", e.s.Token()} {
		if strings.Contains(all, secret) {
			t.Fatalf("the log contains %q:\n%s", secret, all)
		}
	}
}

// TestEmulator_Concurrency hammers one emulator from several goroutines;
// run with -race.
func TestEmulator_Concurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	certs := make([]testCert, 4)
	for i := range certs {
		certs[i] = newLeaf(t, certOpts{})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			auth := map[string]string{"Authorization": "Bearer " + e.token}
			resp, raw, err := e.trySend(http.DefaultClient, http.MethodPost, e.aopPath("/hostnames/certificates"), certs[w].body(), auth)
			if err != nil || resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("upload %d: %v %s", w, err, raw)
				return
			}
			var up struct {
				Result certObj `json:"result"`
			}
			_ = json.Unmarshal(raw, &up)
			for i := 0; i < 10; i++ {
				host := fmt.Sprintf("w%d-%d.example.com", w, i)
				bind := map[string]any{"config": []map[string]any{{"hostname": host, "cert_id": up.Result.ID, "enabled": i%2 == 0}}}
				for _, req := range []struct {
					method, path string
					body         any
				}{
					{http.MethodPut, e.aopPath("/hostnames"), bind},
					{http.MethodGet, e.aopPath("/hostnames/certificates"), nil},
					{http.MethodGet, e.aopPath("/hostnames/" + host), nil},
					{http.MethodPatch, e.zonePath("/settings/tls_client_auth"), map[string]string{"value": "on"}},
				} {
					if _, _, err := e.trySend(http.DefaultClient, req.method, req.path, req.body, auth); err != nil {
						errs <- err
					}
				}
				_ = e.s.Snapshot()
				_ = e.s.Counts()
				_ = e.s.HostnameGaps(e.zoneID, host)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(e.s.Snapshot().Zones[0].HostnameCertificates); n != 4 {
		t.Fatalf("%d certificates, want 4", n)
	}
	if n := e.s.Counts()["GET /zones/{zone_id}/origin_tls_client_auth/hostnames/{hostname}"]; n != 40 {
		t.Fatalf("%d hostname reads counted, want 40", n)
	}
}

// A client killed while its request is being answered: OpenConnections
// reaches 0 only once the handler has returned, which is what the fault
// suite waits for before counting what a killed run stored.
func TestEmulator_OpenConnectionsOutlastAbandonedRequests(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		answered []string
	)
	s, base := startServer(t, Config{Latency: 300 * time.Millisecond, Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		answered = append(answered, fmt.Sprintf(format, args...))
	}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(base, APIPrefix), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	path := APIPrefix + "/zones/" + s.ZoneID(DefaultZone) + "/settings/tls_client_auth"
	body := `{"value":"on"}`
	if _, err := fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		path, s.Token(), len(body), body); err != nil {
		t.Fatal(err)
	}
	key := "PATCH /zones/{zone_id}/settings/tls_client_auth"
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("still waiting after 5 s for %s", what)
			}
		}
	}
	waitFor("the request to reach its handler", func() bool { return s.Counts()[key] == 1 })
	if n := s.OpenConnections(); n != 1 {
		t.Fatalf("%d open connections while a request is answered, want 1", n)
	}
	_ = conn.Close() // gone before the answer, as a killed process is
	waitFor("the connection to close", func() bool { return s.OpenConnections() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(answered) != 1 || !strings.HasPrefix(answered[0], "emulator: "+key) {
		t.Fatalf("the connection closed before its handler returned: log %q", answered)
	}
}
