package cfapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const (
	testCertID    = "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
	testAPIKey    = "secret-global-api-key"
	testEmail     = "owner@example.com"
	redirectToken = "redirect-test-password"
)

// received is one request as a recording server saw it.
type received struct {
	method, path, credentials string
	bodyBytes                 int
}

// recorder is server B: it records every request and answers 200.
type recorder struct {
	mu   sync.Mutex
	got  []received
	body string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var creds []string
	for _, h := range credentialHeaders {
		if v := r.Header.Get(h); v != "" {
			creds = append(creds, h)
		}
	}
	rec.mu.Lock()
	rec.got = append(rec.got, received{method: r.Method, path: r.URL.Path, credentials: strings.Join(creds, ","), bodyBytes: len(body)})
	rec.mu.Unlock()
	_, _ = io.WriteString(w, rec.body)
}

func (rec *recorder) requests() []received {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]received(nil), rec.got...)
}

// redirector is server A, the configured API: it answers every request
// with status and a Location built by target from the request's path.
type redirector struct {
	status int
	target func(path string) string
	calls  atomic.Int32
}

func (a *redirector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.calls.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Location", a.target(r.URL.Path))
	w.WriteHeader(a.status)
}

// The API client follows no redirect: a 307 or 308 from the API (server A)
// to another port or another host name (server B) sends B nothing at all
// (no credentials, no body), for a GET, a PUT, an upload (POST with the
// private key) and a DELETE, with a token or a key and email. The error
// names the status and that the target left the API's origin, shows no
// secret and no user info, is not retried and is not ambiguous.
func TestRedirects_neverLeaveTheAPIOrigin(t *testing.T) {
	b := &recorder{body: envelope(`{}`)}
	srvB := httptest.NewServer(b)
	t.Cleanup(srvB.Close)
	bURL, err := url.Parse(srvB.URL)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]func(path string) string{
		"other port":                    func(p string) string { return srvB.URL + p },
		"other host name":               func(p string) string { return "http://localhost:" + bURL.Port() + p },
		"other port, user info":         func(p string) string { return "http://user:hunter2@" + bURL.Host + p },
		"other scheme, host name, port": func(p string) string { return "https://localhost:" + bURL.Port() + p },
	}
	ops := map[string]func(ctx context.Context, c *Client) error{
		"GET": func(ctx context.Context, c *Client) error {
			_, err := c.GetCertificate(ctx, ZoneCertificate, testZone, testCertID)
			return err
		},
		"PUT": func(ctx context.Context, c *Client) error {
			_, err := c.PutBindings(ctx, testZone, []BindingChange{{Hostname: "app.example.com", CertID: testCertID, Enabled: true}})
			return err
		},
		"POST upload": func(ctx context.Context, c *Client) error {
			_, err := c.UploadCertificate(ctx, HostnameCertificate, testZone, "cert", fakeKey)
			return err
		},
		"DELETE": func(ctx context.Context, c *Client) error {
			return c.DeleteCertificate(ctx, HostnameCertificate, testZone, testCertID)
		},
	}
	auths := map[string]func(*Config){
		"token":         func(cfg *Config) { cfg.APIToken = redirectToken },
		"key and email": func(cfg *Config) { cfg.APIToken, cfg.APIKey, cfg.Email = "", testAPIKey, testEmail },
	}
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for targetName, target := range targets {
			for opName, op := range ops {
				for authName, auth := range auths {
					name := http.StatusText(status) + "/" + targetName + "/" + opName + "/" + authName
					t.Run(name, func(t *testing.T) {
						a := &redirector{status: status, target: target}
						c, _ := newTestClient(t, a, auth)
						err := op(context.Background(), c)
						wantRefusedRedirect(t, err, status, false)
						if n := a.calls.Load(); n != 1 {
							t.Errorf("the API server got %d requests, want 1 (a refused redirect is not retried)", n)
						}
					})
				}
			}
		}
	}
	if got := b.requests(); len(got) != 0 {
		t.Fatalf("server B received %d requests: %+v", len(got), got)
	}
}

// A redirect to another path of the API's own origin is refused as well: a
// 307 would otherwise replay a DELETE or an upload on a path the provider
// did not choose.
func TestRedirects_sameOriginIsRefusedToo(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		a := &redirector{status: status, target: func(string) string { return "/client/v4/zones/" + testZone + "/origin_tls_client_auth/settings" }}
		c, _ := newTestClient(t, a)
		err := c.DeleteCertificate(context.Background(), ZoneCertificate, testZone, testCertID)
		wantRefusedRedirect(t, err, status, true)
		if n := a.calls.Load(); n != 1 {
			t.Errorf("HTTP %d: the API server got %d requests, want 1: the redirect was followed or retried", status, n)
		}
	}
}

func wantRefusedRedirect(t *testing.T, err error, status int, sameOrigin bool) {
	t.Helper()
	redirect, ok := errorsAs[*RedirectError](err)
	if !ok {
		t.Fatalf("want a refused redirect, got %v", err)
	}
	if redirect.Status != status || redirect.SameOrigin != sameOrigin {
		t.Errorf("refused redirect %+v, want status %d, same origin %v", redirect, status, sameOrigin)
	}
	msg := err.Error()
	wantText := "leaves the API's origin"
	if sameOrigin {
		wantText = "to another path on the API's origin"
	}
	for _, want := range []string{"HTTP " + strconv.Itoa(status), wantText, "follows no redirect", "Check that base_url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	for _, secret := range []string{redirectToken, testToken, testAPIKey, testEmail, "hunter2", "user:", "KEYMATERIAL"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error shows %q: %s", secret, msg)
		}
	}
	if IsAmbiguous(err) {
		t.Errorf("a refused redirect is reported as ambiguous, so an upload would be reconciled and repeated: %v", err)
	}
}

// FetchPEM sends no credentials, whether the client holds a token or a key
// and email, and follows a public document's redirect to another origin
// without carrying any; a redirect to user info, to plain http on another
// host, or a loop, is refused without showing the user info.
func TestFetchPEM_noCredentialsEverAndRedirectRules(t *testing.T) {
	ca := testcerts.NewCA(t, "Redirect CA")
	b := &recorder{body: ca.CertPEM}
	srvB := httptest.NewServer(b)
	t.Cleanup(srvB.Close)
	bURL, err := url.Parse(srvB.URL)
	if err != nil {
		t.Fatal(err)
	}
	auths := map[string]func(*Config){
		"token":         func(cfg *Config) { cfg.APIToken = redirectToken },
		"key and email": func(cfg *Config) { cfg.APIToken, cfg.APIKey, cfg.Email = "", testAPIKey, testEmail },
	}
	for authName, auth := range auths {
		// The API host itself serves the CA (as the emulator does), then
		// moves it to B on another port and another host name.
		for _, target := range []string{srvB.URL + "/ca.pem", "http://localhost:" + bURL.Port() + "/ca.pem"} {
			a := &recorder{}
			var aCalls atomic.Int32
			srvA := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if aCalls.Add(1) == 1 {
					a.ServeHTTP(httptest.NewRecorder(), r)
					http.Redirect(w, r, target, http.StatusMovedPermanently)
					return
				}
				http.Error(w, "unexpected", http.StatusTeapot)
			}))
			t.Cleanup(srvA.Close)
			cfg := Config{BaseURL: srvA.URL, MaxRetries: 1, MinBackoff: time.Millisecond}
			auth(&cfg)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.FetchPEM(context.Background(), srvA.URL+"/ca.pem")
			if err != nil || string(got) != ca.CertPEM {
				t.Fatalf("%s, redirect to %s: %q, %v", authName, target, got, err)
			}
			for _, r := range append(a.requests(), b.requests()...) {
				if r.credentials != "" {
					t.Errorf("%s: %s %s carried %s", authName, r.method, r.path, r.credentials)
				}
			}
		}
	}
	if n := len(b.requests()); n != 4 {
		t.Errorf("server B served %d downloads, want 4", n)
	}

	c, _ := newTestClient(t, b)
	before := len(b.requests())
	for name, location := range map[string]string{
		"user info":            "http://user:hunter2@" + bURL.Host + "/ca.pem",
		"plain http elsewhere": "http://ca.example.invalid/ca.pem",
		"a scheme that is not": "file:///etc/passwd",
	} {
		srv := httptest.NewServer(http.RedirectHandler(location, http.StatusFound))
		t.Cleanup(srv.Close)
		_, err := c.FetchPEM(context.Background(), srv.URL+"/ca.pem")
		if err == nil || !strings.Contains(err.Error(), "refused a redirect to a URL that is not allowed") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("redirect to %s: %v", name, err)
		}
	}
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/again", http.StatusFound)
	}))
	t.Cleanup(loop.Close)
	if _, err := c.FetchPEM(context.Background(), loop.URL+"/ca.pem"); err == nil || !strings.Contains(err.Error(), "more than 5 redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if n := len(b.requests()) - before; n != 0 {
		t.Errorf("server B got %d requests after refused redirects", n)
	}
}
