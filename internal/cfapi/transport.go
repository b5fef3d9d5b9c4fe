package cfapi

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// retryTransport repeats requests that failed in a way that is safe to repeat
// and logs every attempt through tflog. It never logs headers or bodies: they
// carry the token and, for uploads, the private key.
//
// For idempotent methods it also reads the response body before returning,
// because the SDK reads it only after RoundTrip, too late for a retry: a body
// cut off in transit (fewer bytes than Content-Length, a reset, an unexpected
// EOF) is then retried like a failed request. POST bodies are left to the
// SDK: an upload whose answer is lost is reconciled by fingerprint, never
// re-sent blindly.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	minBackoff time.Duration
	maxBackoff time.Duration
	secrets    []string // masked in every log line (see RedactLogs)
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := RedactLogs(req.Context(), t.secrets)
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		start := time.Now()
		resp, err := t.next.RoundTrip(r)
		status, cfRay := 0, ""
		if err == nil {
			status, cfRay = resp.StatusCode, resp.Header.Get("Cf-Ray")
			if idempotent(req.Method) {
				if err = bufferBody(resp); err != nil {
					resp = nil
				}
			}
		}
		fields := map[string]any{
			"method":      req.Method,
			"path":        req.URL.Path,
			"attempt":     attempt + 1,
			"duration_ms": time.Since(start).Milliseconds(),
		}
		if err != nil {
			fields["error"] = err.Error()
			if isDialError(err) {
				err = &notSentError{err: err}
			}
		}
		if status != 0 {
			fields["status"] = status
		}
		if cfRay != "" {
			fields["cf_ray"] = cfRay
		}
		wait, retry := t.shouldRetry(req.Method, resp, err, attempt)
		if !retry || ctx.Err() != nil {
			tflog.Debug(ctx, "Cloudflare API request", fields)
			return resp, err
		}
		fields["retry_in_ms"] = wait.Milliseconds()
		tflog.Warn(ctx, "Cloudflare API request failed, retrying", fields)
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
		}
		if err := pause.For(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// shouldRetry decides whether an attempt is repeated and after how long.
// POST is repeated only when the request provably did not take effect: the
// connection could not be made, or Cloudflare refused it with 429. An error
// that repetition cannot cure (isPermanent) is never repeated.
func (t *retryTransport) shouldRetry(method string, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= t.maxRetries {
		return 0, false
	}
	idempotent := idempotent(method)
	backoff := t.backoff(attempt)
	switch {
	case err != nil:
		if isPermanent(err) {
			return 0, false
		}
		if _, notSent := errorsAs[*notSentError](err); notSent {
			return backoff, true
		}
		return backoff, idempotent
	case resp.StatusCode == http.StatusTooManyRequests:
		if ra, ok := retryAfter(resp.Header); ok {
			return min(ra, t.maxBackoff), true
		}
		return backoff, true
	case resp.StatusCode >= 500:
		if !idempotent {
			return 0, false
		}
		if ra, ok := retryAfter(resp.Header); ok {
			return min(ra, t.maxBackoff), true
		}
		return backoff, true
	}
	return 0, false
}

// idempotent reports whether repeating a request with this method leaves the
// same result as sending it once: everything this client sends but POST (a
// PUT of a binding batch sets the listed associations to what it lists).
func idempotent(method string) bool { return method != http.MethodPost }

// bufferBody reads resp's body into memory, so that a body cut off in
// transit fails the attempt instead of the SDK's later read.
func bufferBody(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return &bodyReadError{status: resp.StatusCode, read: len(body), declared: resp.ContentLength, err: err}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// bodyReadError is a response whose headers arrived but whose body did not.
type bodyReadError struct {
	status   int
	read     int
	declared int64
	err      error
}

func (e *bodyReadError) Error() string {
	if e.declared >= 0 {
		return fmt.Sprintf("reading the body of an HTTP %d response: got %d of %d bytes: %v", e.status, e.read, e.declared, e.err)
	}
	return fmt.Sprintf("reading the body of an HTTP %d response after %d bytes: %v", e.status, e.read, e.err)
}

func (e *bodyReadError) Unwrap() error { return e.err }

// backoff is exponential with jitter, capped by maxBackoff.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.minBackoff << min(attempt, 16)
	d += time.Duration(rand.Int64N(int64(t.minBackoff)/2 + 1))
	return min(d, t.maxBackoff)
}

// maxRetryAfterSeconds bounds a Retry-After in seconds before conversion.
const maxRetryAfterSeconds = 24 * 60 * 60

// retryAfter reads Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		// A huge value would overflow into a negative wait (an immediate
		// retry); a day is longer than any max_backoff caps it to anyway.
		return time.Duration(min(secs, maxRetryAfterSeconds)) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}
