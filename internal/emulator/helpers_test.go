package emulator

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testZone = "example.com"

// fakeClock is a settable clock for status transitions.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testEnv is an emulator behind httptest with a fake clock.
type testEnv struct {
	t      *testing.T
	s      *Server
	ts     *httptest.Server
	clock  *fakeClock
	zoneID string
	token  string
}

func newEnv(t *testing.T, mutate ...func(*Config)) *testEnv {
	t.Helper()
	clock := newFakeClock()
	cfg := Config{Zones: []string{testZone, "example.org"}, Now: clock.Now}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{t: t, s: s, ts: ts, clock: clock, zoneID: s.ZoneID(testZone), token: s.Token()}
}

// apiResp is a decoded API answer.
type apiResp struct {
	status int
	header http.Header
	raw    []byte
	env    struct {
		Success    bool              `json:"success"`
		Errors     []responseMessage `json:"errors"`
		Messages   []responseMessage `json:"messages"`
		Result     json.RawMessage   `json:"result"`
		ResultInfo *resultInfo       `json:"result_info"`
	}
}

// do sends an authenticated request to path (relative to /client/v4 unless
// it starts with "/__" or "/ssl"). body may be nil, a string or a value to
// encode as JSON.
func (e *testEnv) do(method, path string, body any) *apiResp {
	e.t.Helper()
	return e.doWith(method, path, body, map[string]string{"Authorization": "Bearer " + e.token})
}

func (e *testEnv) doWith(method, path string, body any, headers map[string]string) *apiResp {
	e.t.Helper()
	resp, raw := e.send(http.DefaultClient, method, path, body, headers)
	r := &apiResp{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.env); err != nil && !strings.HasPrefix(path, "/__") {
			e.t.Fatalf("%s %s: invalid JSON answer %q: %v", method, path, raw, err)
		}
	}
	return r
}

func (e *testEnv) url(path string) string {
	if strings.HasPrefix(path, "/__") || strings.HasPrefix(path, "/ssl") {
		return e.ts.URL + path
	}
	return e.ts.URL + APIPrefix + path
}

func (e *testEnv) send(client *http.Client, method, path string, body any, headers map[string]string) (*http.Response, []byte) {
	e.t.Helper()
	resp, raw, err := e.trySend(client, method, path, body, headers)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp, raw
}

func (e *testEnv) trySend(client *http.Client, method, path string, body any, headers map[string]string) (*http.Response, []byte, error) {
	return e.trySendContext(context.Background(), client, method, path, body, headers)
}

// trySendContext is trySend with a context the caller can cancel.
func (e *testEnv) trySendContext(ctx context.Context, client *http.Client, method, path string, body any, headers map[string]string) (*http.Response, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encoding body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url(path), rd)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// ok fails unless the answer is a 200 success; it decodes the result into v.
func (r *apiResp) ok(t *testing.T, v any) {
	t.Helper()
	if r.status != http.StatusOK || !r.env.Success {
		t.Fatalf("want 200 success, got %d: %s", r.status, r.raw)
	}
	if v != nil {
		if err := json.Unmarshal(r.env.Result, v); err != nil {
			t.Fatalf("decoding result %s: %v", r.env.Result, err)
		}
	}
}

// fails checks an error answer: HTTP status, error code and (if not empty)
// a substring of the message.
func (r *apiResp) fails(t *testing.T, status, code int, msgPart string) {
	t.Helper()
	if r.status != status || r.env.Success || len(r.env.Errors) != 1 {
		t.Fatalf("want HTTP %d with one error, got %d: %s", status, r.status, r.raw)
	}
	if got := r.env.Errors[0]; got.Code != code || !strings.Contains(got.Message, msgPart) {
		t.Fatalf("want code %d with message containing %q, got %d %q", code, msgPart, got.Code, got.Message)
	}
	if string(r.env.Result) != "null" {
		t.Fatalf("error answer has a result: %s", r.raw)
	}
}

// Paths of the emulated API, relative to /client/v4.
func (e *testEnv) zonePath(suffix string) string {
	return "/zones/" + e.zoneID + suffix
}

func (e *testEnv) aopPath(suffix string) string {
	return e.zonePath("/origin_tls_client_auth" + suffix)
}

// certObj is the union of the certificate fields answered by the API.
type certObj struct {
	ID           string `json:"id"`
	Certificate  string `json:"certificate"`
	ExpiresOn    string `json:"expires_on"`
	Issuer       string `json:"issuer"`
	SerialNumber string `json:"serial_number"`
	Signature    string `json:"signature"`
	Status       string `json:"status"`
	UploadedOn   string `json:"uploaded_on"`
	Enabled      *bool  `json:"enabled"`
}

type assocObj struct {
	Hostname   string `json:"hostname"`
	CertID     string `json:"cert_id"`
	Enabled    *bool  `json:"enabled"`
	Status     string `json:"status"`
	CertStatus string `json:"cert_status"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
}

// uploadZoneCert and uploadHostnameCert upload a certificate and return it.
func (e *testEnv) uploadZoneCert(c testCert) certObj {
	e.t.Helper()
	var out certObj
	e.do(http.MethodPost, e.aopPath(""), c.body()).ok(e.t, &out)
	return out
}

func (e *testEnv) uploadHostnameCert(c testCert) certObj {
	e.t.Helper()
	var out certObj
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), c.body()).ok(e.t, &out)
	return out
}

// bind sends one association item; enabled nil removes it.
func (e *testEnv) bind(hostname, certID string, enabled *bool) *apiResp {
	e.t.Helper()
	return e.do(http.MethodPut, e.aopPath("/hostnames"), map[string]any{
		"config": []map[string]any{{"hostname": hostname, "cert_id": certID, "enabled": enabled}},
	})
}

func ptr[T any](v T) *T { return &v }

// testCert is a certificate and key generated for a test.
type testCert struct {
	cert    *x509.Certificate
	certPEM string
	keyPEM  string
	key     crypto.Signer
}

func (c testCert) body() map[string]string {
	return map[string]string{"certificate": c.certPEM, "private_key": c.keyPEM}
}

type certOpts struct {
	cn      string
	isCA    bool
	keyType string // "ecdsa" (SEC 1 PEM, default), "ecdsa-pkcs8", "rsa" (PKCS#1), "rsa-pkcs8", "ed25519"
}

var (
	testCAOnce sync.Once
	testCA     testCert
	rsaKeyOnce sync.Once
	rsaKey     *rsa.PrivateKey
)

// issuingCA is a CA shared by the tests for signing leaf certificates.
func issuingCA(t *testing.T) testCert {
	testCAOnce.Do(func() { testCA = makeCert(t, certOpts{cn: "Test Client CA", isCA: true}, nil) })
	return testCA
}

func sharedRSAKey(t *testing.T) *rsa.PrivateKey {
	rsaKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatalf("rsa key: %v", err)
		}
		rsaKey = k
	})
	return rsaKey
}

// newLeaf makes a client certificate signed by issuingCA.
func newLeaf(t *testing.T, opts certOpts) testCert {
	t.Helper()
	ca := issuingCA(t)
	return makeCert(t, opts, &ca)
}

func makeCert(t *testing.T, opts certOpts, parent *testCert) testCert {
	t.Helper()
	var key crypto.Signer
	var keyPEM []byte
	switch opts.keyType {
	case "", "ecdsa", "ecdsa-pkcs8":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
		if opts.keyType == "ecdsa-pkcs8" {
			keyPEM = pkcs8PEM(t, k)
		} else {
			der, err := x509.MarshalECPrivateKey(k)
			if err != nil {
				t.Fatal(err)
			}
			keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
		}
	case "rsa", "rsa-pkcs8":
		k := sharedRSAKey(t)
		key = k
		if opts.keyType == "rsa" {
			keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
		} else {
			keyPEM = pkcs8PEM(t, k)
		}
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
		keyPEM = pkcs8PEM(t, k)
	default:
		t.Fatalf("unknown key type %q", opts.keyType)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	cn := opts.cn
	if cn == "" {
		cn = "client.example.com"
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  opts.isCA,
	}
	if opts.isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signerCert, signerKey := tmpl, key
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{
		cert:    cert,
		certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		keyPEM:  string(keyPEM),
		key:     key,
	}
}

func pkcs8PEM(t *testing.T, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// startServer makes an emulator from cfg, listening on a loopback port
// until the test ends, and returns it with its API base URL.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, base
}
