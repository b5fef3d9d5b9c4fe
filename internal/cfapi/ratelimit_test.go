package cfapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// skipClock is a fake clock on which waiting takes no time: After moves the
// clock forward by d and fires at once. Elapsed tells how long the waits
// would have taken.
type skipClock struct {
	mu    sync.Mutex
	start time.Time
	now   time.Time
}

func newSkipClock() *skipClock {
	t := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &skipClock{start: t, now: t}
}

func (c *skipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *skipClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *skipClock) Elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Sub(c.start)
}

// answered records an answer with the given status and headers.
func answered(p *pacer, status int, kv ...string) {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	p.observe(status, h)
}

func TestParseRatelimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		r, t int
		ok   bool
	}{
		{`"default";r=50;t=30`, 50, 30, true},
		{`"default"; r=0; t=300`, 0, 300, true},
		{`"default";r=50;t=30, "burst";r=3;t=2`, 3, 2, true},
		{`"default";t=30`, 0, 0, false},
		{`"default";r=x;t=30`, 0, 0, false},
		{``, 0, 0, false},
	}
	for _, c := range cases {
		r, tt, ok := parseRatelimit(c.in)
		if r != c.r || tt != c.t || ok != c.ok {
			t.Errorf("parseRatelimit(%q) = %d, %d, %v; want %d, %d, %v", c.in, r, tt, ok, c.r, c.t, c.ok)
		}
	}
}

func mustAcquire(t *testing.T, p *pacer) {
	t.Helper()
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPacer_ownBudgetWithoutServerHeaders(t *testing.T) {
	t.Parallel()
	clk := newSkipClock()
	p := newPacer(clk, 3, 10*time.Second, time.Minute)
	for i := range 7 {
		mustAcquire(t, p)
		answered(p, 200)
		if i == 2 && clk.Elapsed() != 0 {
			t.Fatalf("the first three requests waited %s", clk.Elapsed())
		}
	}
	// Requests 4-6 wait for the first window, request 7 for the second.
	if got := clk.Elapsed(); got != 20*time.Second {
		t.Fatalf("7 requests at 3 per 10s took %s, want 20s", got)
	}
}

func TestPacer_followsTheAnnouncedQuota(t *testing.T) {
	t.Parallel()
	clk := newSkipClock()
	p := newPacer(clk, 1000, time.Minute, time.Minute)
	mustAcquire(t, p)
	answered(p, 200, "Ratelimit", `"default";r=2;t=30`)
	mustAcquire(t, p)
	mustAcquire(t, p)
	if clk.Elapsed() != 0 {
		t.Fatalf("waited %s with quota left", clk.Elapsed())
	}
	answered(p, 200, "Ratelimit", `"default";r=1;t=30`)
	answered(p, 200, "Ratelimit", `"default";r=0;t=30`)
	// The quota is spent: the next request waits for the reset (plus the margin).
	mustAcquire(t, p)
	if got := clk.Elapsed(); got != 31*time.Second {
		t.Fatalf("waited %s, want 31s", got)
	}
	answered(p, 200, "Ratelimit", `"default";r=99;t=60`)
	mustAcquire(t, p)
	if got := clk.Elapsed(); got != 31*time.Second {
		t.Fatalf("waited again (%s) although the new window has quota", got)
	}
	answered(p, 200, "Ratelimit", `"default";r=98;t=60`)
}

func TestPacer_countsRequestsInFlight(t *testing.T) {
	t.Parallel()
	clk := newSkipClock()
	p := newPacer(clk, 1000, time.Minute, time.Minute)
	mustAcquire(t, p)
	answered(p, 200, "Ratelimit", `"default";r=5;t=30`)
	for range 3 {
		mustAcquire(t, p) // remaining 5 -> 2, three in flight
	}
	// The first answer says 4 remain, but two requests are still in flight
	// and may not be counted yet: only 2 may go.
	answered(p, 200, "Ratelimit", `"default";r=4;t=30`)
	mustAcquire(t, p)
	mustAcquire(t, p)
	if clk.Elapsed() != 0 {
		t.Fatalf("waited %s with quota left", clk.Elapsed())
	}
	p.mu.Lock()
	_, why := p.delayLocked(clk.Now())
	p.mu.Unlock()
	if why != waitQuota {
		t.Fatalf("a third request may go (%q) although the quota is spent", why)
	}
}

func TestPacer_unknownQuotaSendsOneRequestFirst(t *testing.T) {
	t.Parallel()
	p := newPacer(realClock{}, 1000, time.Minute, time.Minute)
	mustAcquire(t, p)
	second := make(chan error, 1)
	go func() { second <- p.acquire(context.Background()) }()
	select {
	case err := <-second:
		t.Fatalf("a second request went out before the quota was known (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	answered(p, 200, "Ratelimit", `"default";r=10;t=30`)
	select {
	case err := <-second:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second request still waits after the quota became known")
	}
	// A first request that hangs holds the others for probeTimeout at most.
	clk := newSkipClock()
	h := newPacer(clk, 1000, time.Minute, time.Minute)
	mustAcquire(t, h)
	mustAcquire(t, h)
	if got := clk.Elapsed(); got != probeTimeout {
		t.Fatalf("the second request waited %s for a hanging first one, want %s", got, probeTimeout)
	}
	// Without a Ratelimit header the pacer does not wait for answers.
	q := newPacer(realClock{}, 1000, time.Minute, time.Minute)
	mustAcquire(t, q)
	answered(q, 200)
	mustAcquire(t, q)
	mustAcquire(t, q)
	// Waiting ends with the context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r := newPacer(realClock{}, 1000, time.Minute, time.Minute)
	mustAcquire(t, r)
	if err := r.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire = %v, want the context's deadline", err)
	}
}

func TestPacer_429HoldsEveryRequest(t *testing.T) {
	t.Parallel()
	clk := newSkipClock()
	p := newPacer(clk, 1000, time.Minute, 30*time.Second)
	mustAcquire(t, p)
	answered(p, 429, "Retry-After", "5")
	mustAcquire(t, p)
	if got := clk.Elapsed(); got != 5*time.Second {
		t.Fatalf("waited %s after Retry-After: 5", got)
	}
	answered(p, 429, "Retry-After", "3600") // capped by max_backoff
	mustAcquire(t, p)
	if got := clk.Elapsed(); got != 35*time.Second {
		t.Fatalf("waited %s, want 35s in all", got)
	}
	p.observe(0, nil) // a transport error
}

// startEmulator serves an emulator on loopback for the test and returns it
// with its API base URL.
func startEmulator(t *testing.T, cfg emulator.Config) (*emulator.Server, string) {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return emu, base
}

// Against the emulator with Cloudflare's rule (here 25 requests per 10 s),
// 150 concurrent requests are all answered without a single 429.
func TestClient_staysUnderTheEmulatorRateLimit(t *testing.T) {
	t.Parallel()
	clk := newSkipClock()
	emu, base := startEmulator(t, emulator.Config{Token: testToken, Now: clk.Now,
		RateLimit: emulator.RateLimit{Limit: 25, Window: 10 * time.Second, Lockout: time.Minute}})
	c, err := New(Config{APIToken: testToken, BaseURL: base, MaxRetries: 0, clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	zoneID := emu.ZoneID(emulator.DefaultZone)
	var wg sync.WaitGroup
	errs := make(chan error, 150)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 15 {
				if _, err := c.GetZoneSetting(context.Background(), zoneID); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := emu.RateLimitStatus()
	if st.Rejected != 0 || st.Peak > 25 {
		t.Fatalf("rate limit status %+v", st)
	}
	if got := clk.Elapsed(); got < 50*time.Second {
		t.Fatalf("150 requests at 25 per 10 s took %s of emulated time, want at least 50s", got)
	}
	if n := emu.Counts()["GET /zones/{zone_id}/origin_tls_client_auth/settings"]; n != 150 {
		t.Fatalf("%d requests reached the emulator, want 150", n)
	}
}

func TestClient_pacesOnlyAPIRequests(t *testing.T) {
	t.Parallel()
	emu, base := startEmulator(t, emulator.Config{Token: testToken})
	c, err := New(Config{APIToken: testToken, BaseURL: base, RateLimit: 1, RateWindow: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	caURL := base[:len(base)-len(emulator.APIPrefix)] + emulator.CAPath
	for range 3 {
		if _, err := c.FetchPEM(context.Background(), caURL); err != nil {
			t.Fatal(err)
		}
	}
	zoneID := emu.ZoneID(emulator.DefaultZone)
	if _, err := c.GetZoneSetting(context.Background(), zoneID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.GetZoneSetting(ctx, zoneID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the second API request within the budget of 1 per hour: %v", err)
	}
	if n := emu.Counts()["GET /zones/{zone_id}/origin_tls_client_auth/settings"]; n != 1 {
		t.Fatalf("%d API requests reached the emulator, want 1", n)
	}
}
