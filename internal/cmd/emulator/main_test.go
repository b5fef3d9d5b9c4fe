package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func noEnv(string) string { return "" }

func TestEmulatorCommand_ServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-zone", "example.com", "-zone", "example.org", "-token", "t0k", "-delay", "2s",
			"-cert-deploy-delay", "30s", "-cert-delete-delay", "0s", "-assoc-deploy-delay", "0", "-assoc-remove-delay", "5s", "-delay-jitter", "1s", "-scoped-token", "ro-tok=zone:read"}, &stdout, &stderr, noEnv)
	}()

	base := waitForBaseURL(t, &stdout, &stderr, done)
	out := stdout.String()
	for _, want := range []string{
		"API token:       t0k",
		"Status delays:   certificate deploy 30s, delete 0s; association deploy 0s, removal 5s, plus up to 1s jitter",
		"Scoped token:    ro-tok (zone:read)",
		"example.com (ID " + zoneIDOf(t, "example.com") + ")",
		"example.org (ID " + zoneIDOf(t, "example.org") + ")",
		strings.TrimSuffix(base, "/client/v4") + "/ssl/static/authenticated_origin_pull_ca.pem",
		"CLOUDFLARE_BASE_URL=" + base,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/zones?name=example.org", nil)
	req.Header.Set("Authorization", "Bearer t0k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), zoneIDOf(t, "example.org")) {
		t.Fatalf("GET /zones: %d %s", resp.StatusCode, body)
	}

	// The scoped token reads the zone but not its AOP setting.
	for path, want := range map[string]int{"/zones?name=example.org": 200, "/zones/" + zoneIDOf(t, "example.org") + "/origin_tls_client_auth/settings": 403} {
		scopedReq, _ := http.NewRequest(http.MethodGet, base+path, nil)
		scopedReq.Header.Set("Authorization", "Bearer ro-tok")
		resp, err := http.DefaultClient.Do(scopedReq)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s with the scoped token: want %d, got %d", path, want, resp.StatusCode)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if !strings.Contains(stderr.String(), "GET /zones -> 200") {
		t.Errorf("request not logged:\n%s", stderr.String())
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Error("still serving after cancellation")
	}
}

func zoneIDOf(t *testing.T, name string) string {
	t.Helper()
	s, err := emulator.New(emulator.Config{Zones: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	return s.ZoneID(name)
}

func TestEmulatorCommand_RefusesBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"all interfaces", []string{"-listen", "0.0.0.0:8787"}, nil, "only loopback"},
		{"empty host", []string{"-listen", ":8787"}, nil, "only loopback"},
		{"public name", []string{"-listen", "example.com:8787"}, nil, "only loopback"},
		{"from env", nil, map[string]string{"EMULATOR_ADDR": "10.0.0.1:8787"}, "only loopback"},
		{"bad zone", []string{"-listen", "127.0.0.1:0", "-zone", "bad zone"}, nil, "invalid zone name"},
		{"bad delay", []string{"-delay", "soon"}, nil, "invalid value"},
		{"negative rate limit", []string{"-listen", "127.0.0.1:0", "-rate-limit", "-1"}, nil, "negative rate limit"},
		{"negative association delay", []string{"-listen", "127.0.0.1:0", "-assoc-deploy-delay", "-1s"}, nil, "negative association deploy delay"},
		{"negative latency", []string{"-listen", "127.0.0.1:0", "-latency", "-1s"}, nil, "negative latency"},
		{"extra args", []string{"serve"}, nil, "unexpected arguments"},
		{"scoped token without permissions", []string{"-scoped-token", "abc"}, nil, "want TOKEN=PERMISSION,PERMISSION"},
		{"scoped token, unknown permission", []string{"-scoped-token", "abc=dns:edit"}, nil, `unknown permission "dns:edit"`},
		{"origin without address", []string{"-listen", "127.0.0.1:0", "-origin", "app.example.com"}, nil, "want hostname=address"},
		{"public origin", []string{"-listen", "127.0.0.1:0", "-origin", "app.example.com=10.0.0.1:443"}, nil, "only loopback"},
		{"missing origin CA", []string{"-listen", "127.0.0.1:0", "-origin-ca", "/nonexistent/ca.pem"}, nil, "-origin-ca: open /nonexistent/ca.pem"},
		{"bad ip range", []string{"-listen", "127.0.0.1:0", "-ip-ranges", "127.0.0.1"}, nil, "-ip-ranges: emulator: invalid CIDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			getenv := func(k string) string { return tc.env[k] }
			err := run(context.Background(), tc.args, &stdout, &stderr, getenv)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), tc.want) {
				t.Fatalf("want an error containing %q, got %v (stderr %q)", tc.want, err, stderr.String())
			}
		})
	}
}

func TestEmulatorCommand_OriginFlag(t *testing.T) {
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok from "+r.Host)
	}))
	defer origin.Close()
	addr := origin.Listener.Addr().String()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-token", "t0k", "-origin", "App.Example.com=" + addr}, &stdout, &stderr, noEnv)
	}()
	base := waitForBaseURL(t, &stdout, &stderr, done)
	root := strings.TrimSuffix(base, emulator.APIPrefix)
	out := stdout.String()
	for _, want := range []string{
		"Origin:          app.example.com -> " + addr,
		"{state,requests,reset,faults,delay,delays,latency,ratelimit,gaps,origins,pull,ips,origin-trust}",
		`curl -s -X POST -H 'Authorization: Bearer t0k'`,
		`-d '{"hostname":"app.example.com","path":"/"}' ` + root + "/__emulator/pull",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	post := func(path, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, root+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer t0k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, raw)
		}
		return raw
	}
	// This origin does not ask for a client certificate, and no AOP is
	// configured: the pull succeeds without one.
	var res emulator.PullResult
	if err := json.Unmarshal(post("/__emulator/pull", `{"hostname":"app.example.com","path":"/"}`), &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusOK || res.BodyExcerpt != "ok from app.example.com" || res.Level != emulator.PullLevelNone || res.Origin != addr || res.Error != "" {
		t.Fatalf("pull: %+v", res)
	}
	if !strings.Contains(stderr.String(), "pull app.example.com/") {
		t.Errorf("pull not logged:\n%s", stderr.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// waitForBaseURL waits until run has printed its whole banner and returns
// the base URL from it.
func waitForBaseURL(t *testing.T, stdout, stderr *syncBuffer, done <-chan error) string {
	t.Helper()
	baseRE := regexp.MustCompile(`Base URL:\s+(http://127\.0\.0\.1:\d+/client/v4)`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The banner's last line: tests read lines printed after the URL.
		if out := stdout.String(); strings.Contains(out, "Press Ctrl+C to stop.") {
			if m := baseRE.FindStringSubmatch(out); m != nil {
				return m[1]
			}
			t.Fatalf("no base URL in the banner:\n%s", out)
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no base URL printed:\n%s", stdout.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEmulatorCommand_RateLimitFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-token", "t0k", "-latency", "1ms",
			"-rate-limit", "2", "-rate-window", "1m", "-rate-lockout", "2m", "-quiet"}, &stdout, &stderr, noEnv)
	}()
	base := waitForBaseURL(t, &stdout, &stderr, done)
	for _, want := range []string{"Latency:         1ms per API request", "Rate limit:      2 requests per 1m0s per token, then locked out for 2m0s"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	get := func() (int, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/zones", nil)
		req.Header.Set("Authorization", "Bearer t0k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	for i, want := range []struct {
		status     int
		ratelimit  string
		retryAfter string
	}{
		{200, `"default";r=1;t=60`, ""},
		{200, `"default";r=0;t=60`, ""},
		{429, `"default";r=0;t=120`, "120"},
	} {
		status, h := get()
		if status != want.status || h.Get("Ratelimit") != want.ratelimit ||
			h.Get("Retry-After") != want.retryAfter || h.Get("Ratelimit-Policy") != `"burst";q=2;w=60` {
			t.Fatalf("request %d: %d %v", i+1, status, h)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// Without -token the emulator accepts a random token in Cloudflare's
// format, printed in the banner and the exports, and refuses a fixed one.
func TestEmulatorCommand_randomTokenByDefault(t *testing.T) {
	tokens := map[string]bool{}
	for range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-quiet"}, &stdout, &stderr, noEnv) }()
		base := waitForBaseURL(t, &stdout, &stderr, done)
		out := stdout.String()
		m := regexp.MustCompile(`(?m)^  API token:       (\S+)$`).FindStringSubmatch(out)
		if m == nil || !regexp.MustCompile(`^[A-Za-z0-9_-]{40}$`).MatchString(m[1]) {
			t.Fatalf("no 40-character token in the banner:\n%s", out)
		}
		tok := m[1]
		tokens[tok] = true
		for _, want := range []string{"export CLOUDFLARE_API_TOKEN=" + tok, "Authorization: Bearer " + tok} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		for tryToken, wantStatus := range map[string]int{tok: http.StatusOK, "cfaop-emulator-token": http.StatusForbidden} {
			req, _ := http.NewRequest(http.MethodGet, base+"/zones", nil)
			req.Header.Set("Authorization", "Bearer "+tryToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != wantStatus {
				t.Errorf("GET /zones with token %q: %d, want %d", tryToken, resp.StatusCode, wantStatus)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if len(tokens) != 2 {
		t.Fatalf("two starts accepted the same token")
	}
}

func TestEmulatorCommand_IPRangesFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-ip-ranges", "127.0.0.1/32,::1/128", "-quiet"}, &stdout, &stderr, noEnv)
	}()
	base := waitForBaseURL(t, &stdout, &stderr, done)
	if want := "IP ranges:       127.0.0.1/32, ::1/128 (GET /client/v4/ips)"; !strings.Contains(stdout.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, stdout.String())
	}
	resp, err := http.Get(base + "/ips") // no credentials, as on Cloudflare
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result struct {
			IPv4 []string `json:"ipv4_cidrs"`
			IPv6 []string `json:"ipv6_cidrs"`
		} `json:"result"`
	}
	err = json.NewDecoder(resp.Body).Decode(&env)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(env.Result.IPv4) != 1 || env.Result.IPv4[0] != "127.0.0.1/32" ||
		len(env.Result.IPv6) != 1 || env.Result.IPv6[0] != "::1/128" {
		t.Fatalf("GET /ips: %d %+v %v", resp.StatusCode, env.Result, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}
