package cfapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Cloudflare allows 1,200 API requests per five minutes per token and then
// refuses every request for five minutes. The client stays under that by
// itself: these are its default budget.
const (
	DefaultRateLimit  = 1200
	DefaultRateWindow = 5 * time.Minute
)

// probeTimeout bounds how long requests wait for the answer that tells the
// quota: a first request that hangs must not stall all the others.
const probeTimeout = 5 * time.Second

// resetMargin is added to the reset time a server announces, so the client
// never comes back a moment before the server's window has really passed.
const resetMargin = time.Second

// clock lets tests replace time.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// pacer keeps the client's API requests under Cloudflare's rate limit
// instead of running into the lock-out. It is shared by all requests of a
// client (so by all resources of one Terraform run) and delays a request
// before it is sent when
//
//   - a 429 asked the client to wait (Retry-After, capped by max_backoff);
//   - its own budget is spent: at most limit requests in any window, counted
//     on this client's own sends (a sliding window, so it also keeps under a
//     fixed-window server);
//   - the server's quota is spent: Cloudflare's Ratelimit header
//     ("default";r=<remaining>;t=<seconds to reset>) says how many requests
//     remain until when; each request sent since the last answer counts
//     against it, and so does every request still in flight;
//   - the server's quota is unknown, because no answer has been seen yet or
//     the announced window has passed: then one request goes alone and the
//     others wait for its answer (at most probeTimeout), so a run that starts
//     after another one used up most of the quota does not fire its first
//     requests blindly.
//
// A server that sends no Ratelimit header is paced by the own budget only.
type pacer struct {
	clock    clock
	limit    int
	window   time.Duration
	maxBlock time.Duration

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever the state changes
	sent    []time.Time   // this client's sends within the last window, oldest first
	flying  int           // requests sent and not yet answered

	probeSince   time.Time // when the request that learns the quota was sent
	known        bool      // remaining and resetAt come from a Ratelimit header of the current window
	silent       bool      // the server sends no Ratelimit header
	remaining    int
	resetAt      time.Time
	blockedUntil time.Time
}

func newPacer(c clock, limit int, window, maxBlock time.Duration) *pacer {
	return &pacer{clock: c, limit: limit, window: window, maxBlock: maxBlock, changed: make(chan struct{})}
}

// acquire waits until a request may be sent and counts it as sent. Every
// successful acquire must be followed by one observe.
func (p *pacer) acquire(ctx context.Context) error {
	logged := false
	for {
		p.mu.Lock()
		now := p.clock.Now()
		wait, why := p.delayLocked(now)
		if why == "" {
			if !p.known && !p.silent && p.flying == 0 {
				p.probeSince = now
			}
			p.flying++
			p.sent = append(p.sent, now)
			if p.known {
				p.remaining--
			}
			p.mu.Unlock()
			return nil
		}
		changed, remaining := p.changed, p.remaining
		p.mu.Unlock()

		var timer <-chan time.Time
		if wait > 0 {
			timer = p.clock.After(wait)
		}
		if !logged && why != waitProbe {
			logged = true
			tflog.Info(ctx, "Waiting for Cloudflare's API rate limit before sending a request",
				map[string]any{"reason": why, "wait_ms": wait.Milliseconds(), "remaining": remaining})
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer:
		case <-changed:
		}
	}
}

// Reasons for a delay, as logged.
const (
	waitRetryAfter = "the API answered 429 and asked to wait"
	waitOwnBudget  = "the provider's own request budget is spent"
	waitQuota      = "the remaining quota announced by the API is spent"
	waitProbe      = "waiting for the answer that tells the remaining quota"
)

// delayLocked says how long a request must wait and why; why is empty when
// it may go now. A request that waits also wakes up when the state changes.
func (p *pacer) delayLocked(now time.Time) (time.Duration, string) {
	if now.Before(p.blockedUntil) {
		return p.blockedUntil.Sub(now), waitRetryAfter
	}
	cut := 0
	for cut < len(p.sent) && !p.sent[cut].After(now.Add(-p.window)) {
		cut++
	}
	p.sent = p.sent[cut:]
	if len(p.sent) >= p.limit {
		return p.sent[0].Add(p.window).Sub(now), waitOwnBudget
	}
	if p.known && !now.Before(p.resetAt) {
		p.known = false // the announced window has passed: learn the new quota
	}
	switch {
	case p.known && p.remaining <= 0:
		return p.resetAt.Sub(now), waitQuota
	case !p.known && !p.silent && p.flying > 0 && now.Before(p.probeSince.Add(probeTimeout)):
		return p.probeSince.Add(probeTimeout).Sub(now), waitProbe
	}
	return 0, ""
}

// observe records an attempt's outcome: the status and headers of the
// answer, or status 0 when no answer came.
func (p *pacer) observe(status int, h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flying--
	defer func() {
		close(p.changed)
		p.changed = make(chan struct{})
	}()
	if status == 0 {
		return
	}
	now := p.clock.Now()
	if r, t, ok := parseRatelimit(h.Get("Ratelimit")); ok {
		reset := now.Add(time.Duration(t)*time.Second + resetMargin)
		// Requests still in flight may not be counted in r yet.
		est := r - p.flying
		if !p.known || reset.After(p.resetAt.Add(2*resetMargin)) {
			p.remaining, p.resetAt = est, reset // first answer of a window
		} else {
			p.remaining, p.resetAt = min(p.remaining, est), later(p.resetAt, reset)
		}
		p.known, p.silent = true, false
	} else if !p.known {
		p.silent = true
	}
	if status == http.StatusTooManyRequests {
		wait := p.maxBlock
		if ra, ok := retryAfter(h); ok {
			wait = min(ra, p.maxBlock)
		}
		p.blockedUntil = later(p.blockedUntil, now.Add(wait))
		if p.known {
			p.remaining = 0
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// parseRatelimit reads the remaining quota r and the seconds to reset t from
// a Ratelimit header such as `"default";r=50;t=30`. With several items the
// one with the least remaining quota wins.
func parseRatelimit(v string) (r, t int, ok bool) {
	if v == "" {
		return 0, 0, false
	}
	for _, item := range strings.Split(v, ",") {
		ir, it := -1, -1
		for _, param := range strings.Split(item, ";") {
			key, val, found := strings.Cut(strings.TrimSpace(param), "=")
			if !found {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || n < 0 {
				continue
			}
			switch strings.TrimSpace(key) {
			case "r":
				ir = n
			case "t":
				it = n
			}
		}
		if ir >= 0 && it >= 0 && (!ok || ir < r) {
			r, t, ok = ir, it, true
		}
	}
	return r, t, ok
}

// pacedTransport sends requests to the API base URL through the pacer;
// other requests (the CA download) pass straight through.
type pacedTransport struct {
	pacer  *pacer
	scheme string
	host   string
	path   string
	next   http.RoundTripper
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != t.scheme || req.URL.Host != t.host || !strings.HasPrefix(req.URL.Path, t.path) {
		return t.next.RoundTrip(req)
	}
	if err := t.pacer.acquire(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &notSentError{err: err}
	}
	resp, err := t.next.RoundTrip(req)
	if resp != nil {
		t.pacer.observe(resp.StatusCode, resp.Header)
	} else {
		t.pacer.observe(0, nil)
	}
	return resp, err
}
