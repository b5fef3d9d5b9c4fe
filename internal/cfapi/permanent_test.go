package cfapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingTransport counts the attempts that reach the network layer.
type countingTransport struct {
	next  http.RoundTripper
	calls atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return c.next.RoundTrip(r)
}

// Errors that fail identically on every attempt are returned after one
// attempt instead of after MaxRetries backoffs.
func TestRetry_permanentTransportErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(plain.Close)
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)

	cases := []struct {
		name, token, baseURL, wantErr string
	}{
		{"newline in token", testToken + "\n", plain.URL, "invalid header field value"},
		{"untrusted TLS certificate", testToken, untrusted.URL, "certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			counter := &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
			c, err := New(Config{APIToken: tc.token, BaseURL: tc.baseURL, Transport: counter, RateLimit: -1,
				MaxRetries: 3, MinBackoff: 1, MaxBackoff: 2})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetZoneSetting(context.Background(), testZone)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			}
			if n := counter.calls.Load(); n != 1 {
				t.Fatalf("want 1 attempt, got %d", n)
			}
		})
	}
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]bool{
		`Get "http://x": net/http: invalid header field value for "Authorization"`: true,
		`Get "ftp://x": unsupported protocol scheme "ftp"`:                         true,
		"read tcp 127.0.0.1:1: connection reset by peer":                           false,
		"context deadline exceeded":                                                false,
	} {
		if got := isPermanent(errorString(msg)); got != want {
			t.Errorf("isPermanent(%q) = %t, want %t", msg, got, want)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
