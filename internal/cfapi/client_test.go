package cfapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

const (
	testToken = "secret-token-value"
	testZone  = "023e105f4ecef8ad9ca31a8372d0c353"
	fakeKey   = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKEYMATERIAL\n-----END PRIVATE KEY-----\n"
)

func envelope(result string) string {
	return `{"success":true,"errors":[],"messages":[],"result":` + result + `}`
}

func failure(code int, msg string) string {
	return fmt.Sprintf(`{"success":false,"errors":[{"code":%d,"message":%q}],"messages":[],"result":null}`, code, msg)
}

// scripted serves the given answers in order and records what it saw.
type scripted struct {
	answers  []func(w http.ResponseWriter, r *http.Request)
	calls    atomic.Int32
	lastUA   atomic.Value
	lastAuth atomic.Value
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1)) - 1
	s.lastUA.Store(r.Header.Get("User-Agent"))
	s.lastAuth.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("X-Auth-Key") + "|" + r.Header.Get("X-Auth-Email"))
	if n >= len(s.answers) {
		n = len(s.answers) - 1
	}
	w.Header().Set("Content-Type", "application/json")
	s.answers[n](w, r)
}

func answer(status int, body string, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newTestClient(t *testing.T, h http.Handler, mutate ...func(*Config)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{APIToken: testToken, BaseURL: srv.URL, UserAgent: "terraform-provider-cfaop/test Terraform/1.11.4",
		MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestNew_credentials(t *testing.T) {
	t.Parallel()
	if c, err := New(Config{}); err != nil || c.HasCredentials() {
		t.Fatalf("no credentials: got %v (credentials: %v), want a client without credentials", err, c != nil && c.HasCredentials())
	}
	if !strings.Contains(ErrNoCredentials.Error(), EnvAPIToken) || !strings.Contains(ErrNoCredentials.Error(), EnvAPIKey) || !strings.Contains(ErrNoCredentials.Error(), EnvEmail) {
		t.Fatalf("the message must name the environment variables: %v", ErrNoCredentials)
	}
	if _, err := New(Config{APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "together") {
		t.Fatalf("key without email: got %v", err)
	}
	if c, err := New(Config{APIKey: "k", Email: "a@example.com"}); err != nil || !c.HasCredentials() {
		t.Fatalf("key and email: %v", err)
	}
}

// Without credentials the client reads Cloudflare's IP ranges, and refuses
// everything else before sending it; with them, it still sends none to
// GET /ips, which needs none.
func TestNew_withoutCredentials(t *testing.T) {
	t.Parallel()
	ranges := envelope(`{"etag":"e","ipv4_cidrs":["127.0.0.1/32"],"ipv6_cidrs":[]}`)
	for _, token := range []string{"", testToken} {
		s := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(http.StatusOK, ranges)}}
		c, _ := newTestClient(t, s, func(cfg *Config) { cfg.APIToken = token })
		if _, err := c.GetIPRanges(context.Background()); err != nil {
			t.Fatalf("token %q: GetIPRanges: %v", token, err)
		}
		if auth := s.lastAuth.Load(); auth != "||" {
			t.Errorf("token %q: GET /ips sent credentials %q", token, auth)
		}
		if token != "" {
			continue
		}
		_, err := c.ZoneName(context.Background(), "023e105f4ecef8ad9ca31a8372d0c353")
		if !errors.Is(err, ErrNoCredentials) {
			t.Fatalf("ZoneName without credentials: %v, want ErrNoCredentials", err)
		}
		if n := s.calls.Load(); n != 1 {
			t.Fatalf("%d requests sent, want only GET /ips", n)
		}
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                                     DefaultBaseURL,
		"https://api.cloudflare.com":           "https://api.cloudflare.com/client/v4/",
		"https://api.cloudflare.com/":          "https://api.cloudflare.com/client/v4/",
		"https://api.cloudflare.com/client/v4": "https://api.cloudflare.com/client/v4/",
		"http://127.0.0.1:8787/client/v4/":     "http://127.0.0.1:8787/client/v4/",
	} {
		got, err := NormalizeBaseURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := NormalizeBaseURL("api.cloudflare.com"); err == nil {
		t.Error("a URL without scheme must be refused")
	}
}

func TestClient_headersAndAuth(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(200, envelope(`{"enabled":true}`))}}
	c, _ := newTestClient(t, h)
	if _, err := c.GetZoneSetting(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if ua := h.lastUA.Load().(string); ua != "terraform-provider-cfaop/test Terraform/1.11.4" {
		t.Errorf("user agent %q", ua)
	}
	if auth := h.lastAuth.Load().(string); auth != "Bearer "+testToken+"||" {
		t.Errorf("auth headers %q", auth)
	}

	c2, _ := newTestClient(t, h, func(cfg *Config) { cfg.APIToken, cfg.APIKey, cfg.Email = "", "key", "a@example.com" })
	if _, err := c2.GetZoneSetting(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if auth := h.lastAuth.Load().(string); auth != "|key|a@example.com" {
		t.Errorf("key auth headers %q", auth)
	}
}

func TestClient_typedErrors(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(404, failure(7003, "Could not route"))}}
	c, _ := newTestClient(t, h)
	_, err := c.GetCertificate(context.Background(), ZoneCertificate, testZone, testCertID)
	if !IsNotFound(err) || !HasCode(err, 7003) {
		t.Fatalf("want a not-found API error with code 7003, got %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Errors[0].Message != "Could not route" {
		t.Fatalf("error fields: %#v", apiErr)
	}
	if !strings.Contains(err.Error(), "read zone certificate "+testCertID) || !strings.Contains(err.Error(), "7003: Could not route") {
		t.Fatalf("error text: %v", err)
	}
	if IsAmbiguous(err) {
		t.Fatal("a 404 is not ambiguous")
	}
}

func TestRetry_getOn5xxAnd429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){
		answer(503, failure(10001, "unavailable")),
		answer(429, failure(10013, "rate limited"), "Retry-After", "1"),
		answer(200, envelope(`{"enabled":false}`)),
	}}
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.MaxBackoff = 2 * time.Second })
	start := time.Now()
	if _, err := c.GetZoneSetting(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if n := h.calls.Load(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("Retry-After: 1 was not honoured (waited %s)", waited)
	}
}

func TestRetry_retryAfterIsCapped(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){
		answer(429, failure(10013, "rate limited"), "Retry-After", "3600"),
		answer(200, envelope(`{"enabled":false}`)),
	}}
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.MaxBackoff = 20 * time.Millisecond })
	start := time.Now()
	if _, err := c.GetZoneSetting(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("max_backoff did not cap Retry-After (waited %s)", waited)
	}
}

func TestRetry_givesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(500, failure(10002, "internal"))}}
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetZoneSetting(context.Background(), testZone)
	if err == nil || h.calls.Load() != 3 {
		t.Fatalf("want 3 attempts and an error, got %d attempts, %v", h.calls.Load(), err)
	}
}

func TestRetry_postIsNeverResentAfter5xx(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){
		answer(502, failure(10002, "bad gateway")),
		answer(200, envelope(`{"id":"x"}`)),
	}}
	c, _ := newTestClient(t, h)
	_, err := c.UploadCertificate(context.Background(), HostnameCertificate, testZone, "cert", fakeKey)
	if err == nil || h.calls.Load() != 1 {
		t.Fatalf("POST after 5xx: %d calls, err %v; want 1 call and an error", h.calls.Load(), err)
	}
	if !IsAmbiguous(err) {
		t.Fatalf("a 5xx answer to an upload must be ambiguous: %v", err)
	}
}

func TestRetry_postResentAfter429(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){
		answer(429, failure(10013, "rate limited"), "Retry-After", "0"),
		answer(200, envelope(`{"id":"abc","status":"pending_deployment"}`)),
	}}
	c, _ := newTestClient(t, h)
	cert, err := c.UploadCertificate(context.Background(), HostnameCertificate, testZone, "cert", fakeKey)
	if err != nil || cert.ID != "abc" || h.calls.Load() != 2 {
		t.Fatalf("POST after 429: %d calls, %+v, %v", h.calls.Load(), cert, err)
	}
}

func TestRetry_postLostResponseIsAmbiguous(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
	})
	c, _ := newTestClient(t, h)
	_, err := c.UploadCertificate(context.Background(), ZoneCertificate, testZone, "cert", fakeKey)
	if err == nil || calls.Load() != 1 || !IsAmbiguous(err) {
		t.Fatalf("reset POST: %d calls, err %v (ambiguous=%t); want 1 call and an ambiguous error", calls.Load(), err, IsAmbiguous(err))
	}
	// The same failure on a GET is repeated.
	calls.Store(0)
	_, _ = c.GetZoneSetting(context.Background(), testZone)
	if calls.Load() != 4 {
		t.Fatalf("reset GET: %d calls, want 4", calls.Load())
	}
}

func TestRetry_connectionRefusedIsRetriedEvenForPost(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	c, err := New(Config{APIToken: testToken, BaseURL: "http://" + addr, MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadCertificate(context.Background(), ZoneCertificate, testZone, "cert", fakeKey)
	if err == nil || IsAmbiguous(err) {
		t.Fatalf("a refused connection never reached the server, so it is not ambiguous: %v", err)
	}
}

func TestRetry_contextCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(429, failure(10013, "rate limited"), "Retry-After", "30")}}
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.MaxBackoff = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.GetZoneSetting(ctx, testZone); err == nil {
		t.Fatal("want an error")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the retry wait ignored the context deadline")
	}
}

// Logs carry method, path and status, never the token or a key.
func TestLogs_neverContainSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){
		answer(503, failure(10001, "unavailable")),
		answer(200, envelope(`{"id":"abc","status":"active"}`)),
	}}
	c, _ := newTestClient(t, h)
	_, _ = c.UploadCertificate(ctx, HostnameCertificate, testZone, "cert", fakeKey)
	_, _ = c.GetCertificate(ctx, HostnameCertificate, testZone, testCertID)
	out := buf.String()
	if !strings.Contains(out, "Cloudflare API request") || !strings.Contains(out, `"method":"POST"`) {
		t.Fatalf("expected request log lines, got:\n%s", out)
	}
	for _, secret := range []string{testToken, "KEYMATERIAL", "PRIVATE KEY", "Bearer"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log output contains %q:\n%s", secret, out)
		}
	}
}

func TestBindings_removeSendsNull(t *testing.T) {
	t.Parallel()
	var body atomic.Value
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, envelope(`[{"hostname":"a.example.com","cert_id":"`+testCertID+`","enabled":null,"status":"pending_deletion"}]`))
	})
	c, _ := newTestClient(t, h)
	out, err := c.PutBindings(context.Background(), testZone, []BindingChange{
		{Hostname: "a.example.com", CertID: testCertID, Remove: true},
		{Hostname: "b.example.com", CertID: testCertID, Enabled: false},
	})
	if err != nil || len(out) != 1 || out[0].Status != "pending_deletion" {
		t.Fatalf("PutBindings: %+v %v", out, err)
	}
	want := `{"config":[{"cert_id":"` + testCertID + `","enabled":null,"hostname":"a.example.com"},{"cert_id":"` + testCertID + `","enabled":false,"hostname":"b.example.com"}]}`
	if got := body.Load().(string); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
}
