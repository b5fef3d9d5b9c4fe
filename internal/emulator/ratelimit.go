package emulator

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Cloudflare's global API rate limit: 1,200 requests per five minutes per
// token, after which every request is refused for five minutes.
const (
	CloudflareRateLimit   = 1200
	CloudflareRateWindow  = 5 * time.Minute
	CloudflareRateLockout = 5 * time.Minute
)

// RateLimit configures the emulated API rate limit. It counts authenticated
// API requests (under /client/v4) per credential in fixed windows: a window
// opens with the first request and lasts Window; the request that would
// exceed Limit is answered 429 (code 971, Retry-After) and locks the
// credential out for Lockout, during which every request is answered 429.
// After the lock-out a new window opens. While enabled, every API response
// carries Cloudflare's headers
//
//	Ratelimit: "default";r=<remaining>;t=<seconds until the window resets>
//	Ratelimit-Policy: "burst";q=<Limit>;w=<Window in seconds>
//
// The CA download and the admin endpoints are never limited.
type RateLimit struct {
	// Limit is the number of requests allowed per window; 0 disables the limit.
	Limit int `json:"limit"`
	// Window is the length of a window; zero means CloudflareRateWindow.
	Window time.Duration `json:"window"`
	// Lockout is how long a credential is refused after exceeding Limit;
	// zero means CloudflareRateLockout.
	Lockout time.Duration `json:"lockout"`
}

// RateLimitStatus is the rate limiter's configuration and counters.
type RateLimitStatus struct {
	Limit   int    `json:"limit"`
	Window  string `json:"window"`
	Lockout string `json:"lockout"`
	// Used and Remaining describe the current window of the busiest credential.
	Used      int `json:"used"`
	Remaining int `json:"remaining"`
	// Peak is the most requests any credential made in one window since
	// the last ResetRateLimit.
	Peak int `json:"peak"`
	// Rejected counts 429 answers given by the rate limiter (not injected faults).
	Rejected int `json:"rejected"`
	// LockedOut reports whether some credential is locked out now.
	LockedOut bool `json:"locked_out"`
}

type rateWindow struct {
	start       time.Time
	used        int
	lockedUntil time.Time
}

type rateLimiter struct {
	cfg      RateLimit
	windows  map[string]*rateWindow // by credential
	peak     int
	rejected int
}

func (c RateLimit) normalized() (RateLimit, error) {
	switch {
	case c.Limit < 0:
		return c, fmt.Errorf("emulator: negative rate limit %d", c.Limit)
	case c.Window < 0:
		return c, fmt.Errorf("emulator: negative rate window %s", c.Window)
	case c.Lockout < 0:
		return c, fmt.Errorf("emulator: negative rate lock-out %s", c.Lockout)
	}
	if c.Window == 0 {
		c.Window = CloudflareRateWindow
	}
	if c.Lockout == 0 {
		c.Lockout = CloudflareRateLockout
	}
	return c, nil
}

// SetRateLimit replaces the rate limit configuration and forgets all windows
// and lock-outs; RateLimit{} turns the limit off. The counters of
// RateLimitStatus are kept.
func (s *Server) SetRateLimit(c RateLimit) error {
	c, err := c.normalized()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate.cfg = c
	s.rate.windows = map[string]*rateWindow{}
	return nil
}

// ResetRateLimit forgets all windows and lock-outs, as if the window had
// passed, and the peak; it keeps the configuration and the count of
// rejected requests.
func (s *Server) ResetRateLimit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate.windows = map[string]*rateWindow{}
	s.rate.peak = 0
}

// RateLimitStatus reports the rate limiter's configuration and counters.
func (s *Server) RateLimitStatus() RateLimitStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st := RateLimitStatus{
		Limit: s.rate.cfg.Limit, Window: s.rate.cfg.Window.String(), Lockout: s.rate.cfg.Lockout.String(),
		Peak: s.rate.peak, Rejected: s.rate.rejected, Remaining: s.rate.cfg.Limit,
	}
	for _, w := range s.rate.windows {
		if now.Before(w.lockedUntil) {
			st.LockedOut = true
			st.Used, st.Remaining = max(st.Used, s.rate.cfg.Limit), 0
			continue
		}
		if !w.lockedUntil.IsZero() || !now.Before(w.start.Add(s.rate.cfg.Window)) {
			continue // expired
		}
		if w.used > st.Used {
			st.Used, st.Remaining = w.used, s.rate.cfg.Limit-w.used
		}
	}
	return st
}

// rateLimitDecision is what the limiter says about one request.
type rateLimitDecision struct {
	enabled   bool
	allowed   bool
	limit     int
	window    time.Duration
	remaining int
	resetIn   time.Duration // for a refused request, also its Retry-After
}

// admitLocked counts one request of credential key. Callers hold s.mu.
func (s *Server) admitLocked(key string, now time.Time) rateLimitDecision {
	cfg := s.rate.cfg
	d := rateLimitDecision{enabled: cfg.Limit > 0, allowed: true, limit: cfg.Limit, window: cfg.Window}
	if !d.enabled {
		return d
	}
	w := s.rate.windows[key]
	if w == nil {
		w = &rateWindow{}
		s.rate.windows[key] = w
	}
	if now.Before(w.lockedUntil) {
		s.rate.rejected++
		d.allowed, d.resetIn = false, w.lockedUntil.Sub(now)
		return d
	}
	if !w.lockedUntil.IsZero() || (w.used > 0 && !now.Before(w.start.Add(cfg.Window))) {
		*w = rateWindow{} // the lock-out or the window is over
	}
	if w.used == 0 {
		w.start = now
	}
	if w.used >= cfg.Limit {
		w.lockedUntil = now.Add(cfg.Lockout)
		s.rate.rejected++
		d.allowed, d.resetIn = false, cfg.Lockout
		return d
	}
	w.used++
	s.rate.peak = max(s.rate.peak, w.used)
	d.remaining, d.resetIn = cfg.Limit-w.used, w.start.Add(cfg.Window).Sub(now)
	return d
}

// rateLimit applies the rate limit to an API request: it sets the
// Ratelimit headers and, when the request is refused, answers 429. It
// reports whether the request may proceed. Requests without valid
// credentials are not counted (they are refused anyway).
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request) bool {
	if _, known := s.permissions(r); !known {
		return true
	}
	key := r.Header.Get("Authorization")
	if key == "" {
		key = "key:" + r.Header.Get("X-Auth-Key")
	}
	s.mu.Lock()
	d := s.admitLocked(key, s.now())
	s.mu.Unlock()
	if !d.enabled {
		return true
	}
	h := w.Header()
	h.Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=%d`, d.remaining, ceilSeconds(d.resetIn)))
	h.Set("Ratelimit-Policy", fmt.Sprintf(`"burst";q=%d;w=%d`, d.limit, ceilSeconds(d.window)))
	if d.allowed {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(ceilSeconds(d.resetIn)))
	writeError(w, errorf(http.StatusTooManyRequests, codeRateLimited, msgRateLimited))
	return false
}

// ceilSeconds rounds up, so a client waiting that long never comes back early.
func ceilSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
