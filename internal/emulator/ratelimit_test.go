package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestEmulator_RateLimitOffByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodGet, "/zones", nil)
	r.ok(t, nil)
	if r.header.Get("Ratelimit") != "" || r.header.Get("Ratelimit-Policy") != "" {
		t.Fatalf("rate limit headers without a rate limit: %v", r.header)
	}
	if st := e.s.RateLimitStatus(); st.Limit != 0 || st.Rejected != 0 {
		t.Fatalf("status: %+v", st)
	}
}

func TestEmulator_RateLimitWindowLockoutAndHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) {
		c.RateLimit = RateLimit{Limit: 3, Window: 10 * time.Second, Lockout: 30 * time.Second}
	})
	expect := func(status int, ratelimit, retryAfter string) {
		t.Helper()
		r := e.do(http.MethodGet, "/zones", nil)
		if r.status != status || r.header.Get("Ratelimit") != ratelimit || r.header.Get("Retry-After") != retryAfter ||
			r.header.Get("Ratelimit-Policy") != `"burst";q=3;w=10` {
			t.Fatalf("want %d %s Retry-After %q, got %d %v: %s", status, ratelimit, retryAfter, r.status, r.header, r.raw)
		}
		if status == http.StatusTooManyRequests {
			r.fails(t, 429, codeRateLimited, "More than 1200 requests per 300 seconds")
		}
	}
	expect(200, `"default";r=2;t=10`, "")
	e.clock.Advance(2500 * time.Millisecond)
	expect(200, `"default";r=1;t=8`, "") // 7.5 s left, rounded up
	expect(200, `"default";r=0;t=8`, "")
	// Unauthenticated requests are refused without being counted.
	e.doWith(http.MethodGet, "/zones", nil, nil).fails(t, 403, codeAuth, msgAuth)
	// The admin and CA endpoints are never limited.
	e.do(http.MethodGet, "/__emulator/state", nil)
	if r := e.doWith(http.MethodGet, CAPath, nil, nil); r.status != 200 || r.header.Get("Ratelimit") != "" {
		t.Fatalf("CA download: %d %v", r.status, r.header)
	}

	// The fourth request exceeds the limit and starts the lock-out, which
	// outlasts the window.
	expect(429, `"default";r=0;t=30`, "30")
	e.clock.Advance(10 * time.Second)
	expect(429, `"default";r=0;t=20`, "20")
	st := e.s.RateLimitStatus()
	if st.Rejected != 2 || !st.LockedOut || st.Peak != 3 || st.Remaining != 0 {
		t.Fatalf("status during lock-out: %+v", st)
	}
	// After the lock-out a fresh window opens.
	e.clock.Advance(20 * time.Second)
	expect(200, `"default";r=2;t=10`, "")
	e.clock.Advance(10 * time.Second)
	expect(200, `"default";r=2;t=10`, "") // the window passed
	if st := e.s.RateLimitStatus(); st.Used != 1 || st.Remaining != 2 || st.LockedOut {
		t.Fatalf("status: %+v", st)
	}
}

func TestEmulator_RateLimitPerToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) {
		c.APIKey, c.Email = "legacy-key", "user@example.com"
		c.RateLimit = RateLimit{Limit: 1}
	})
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	e.do(http.MethodGet, "/zones", nil).fails(t, 429, codeRateLimited, "")
	legacy := map[string]string{"X-Auth-Key": "legacy-key", "X-Auth-Email": "user@example.com"}
	r := e.doWith(http.MethodGet, "/zones", nil, legacy)
	r.ok(t, nil)
	if r.header.Get("Ratelimit") != `"default";r=0;t=300` || r.header.Get("Ratelimit-Policy") != `"burst";q=1;w=300` {
		t.Fatalf("defaults: %v", r.header)
	}
	// ResetRateLimit lifts the lock-out and keeps the count of rejections.
	e.s.ResetRateLimit()
	if st := e.s.RateLimitStatus(); st.Rejected != 1 || st.Peak != 0 || st.Used != 0 {
		t.Fatalf("status after reset: %+v", st)
	}
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	if st := e.s.RateLimitStatus(); st.Rejected != 1 || st.Peak != 1 || st.Window != "5m0s" || st.Lockout != "5m0s" {
		t.Fatalf("status: %+v", st)
	}
}

func TestEmulator_RateLimitAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := func(path, body string) {
		t.Helper()
		if r := e.do(http.MethodPost, path, body); r.status != http.StatusOK || string(r.raw) != "{\"ok\":true}\n" {
			t.Fatalf("POST %s: %d %s", path, r.status, r.raw)
		}
	}
	admin("/__emulator/ratelimit", `{"limit":1,"window":"1m","lockout":60000000000}`)
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	e.do(http.MethodGet, "/zones", nil).fails(t, 429, codeRateLimited, "")
	var st RateLimitStatus
	if err := json.Unmarshal(e.do(http.MethodGet, "/__emulator/ratelimit", nil).raw, &st); err != nil ||
		st.Limit != 1 || st.Window != "1m0s" || st.Lockout != "1m0s" || st.Rejected != 1 || !st.LockedOut {
		t.Fatalf("status %+v %v", st, err)
	}
	admin("/__emulator/ratelimit?reset=true", "")
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	admin("/__emulator/ratelimit", `{"limit":0}`)
	for range 3 {
		e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	}
	e.do(http.MethodPost, "/__emulator/ratelimit", `{}`).fails(t, 400, codeInvalidRequest, "limit is required")
	e.do(http.MethodPost, "/__emulator/ratelimit", `{"limit":-1}`).fails(t, 400, codeInvalidRequest, "negative rate limit")
	e.do(http.MethodPost, "/__emulator/ratelimit", `{"limit":1,"window":"soon"}`).fails(t, 400, codeInvalidJSON, "")

	admin("/__emulator/latency?d=20ms", "")
	start := time.Now()
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("answered after %s, want at least 20ms", d)
	}
	e.do(http.MethodPost, "/__emulator/latency?d=-1s", nil).fails(t, 400, codeInvalidRequest, "non-negative")
}

func TestEmulator_ConfigLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Latency = 25 * time.Millisecond })
	e.s.SetFaults(Faults{}) // faults do not clear the configured latency
	start := time.Now()
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	if d := time.Since(start); d < 25*time.Millisecond {
		t.Fatalf("answered after %s, want at least 25ms", d)
	}
	if _, err := New(Config{Latency: -time.Second}); err == nil {
		t.Fatal("negative latency accepted")
	}
	if _, err := New(Config{RateLimit: RateLimit{Limit: 1, Lockout: -time.Second}}); err == nil {
		t.Fatal("negative lock-out accepted")
	}
}
