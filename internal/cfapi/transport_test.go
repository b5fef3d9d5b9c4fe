package cfapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// cutOff answers its first `failures` requests with the headers of a
// complete answer and only part of the body, then closes the connection
// (reset: with an RST instead of a FIN); later requests get the whole
// answer. It records the methods it saw.
type cutOff struct {
	body     string
	failures int
	reset    bool

	mu      sync.Mutex
	methods []string
}

func (c *cutOff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.methods = append(c.methods, r.Method)
	n := len(c.methods)
	c.mu.Unlock()
	if n > c.failures {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(c.body))
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(c.body), c.body[:len(c.body)/3])
	if tcp, ok := conn.(*net.TCPConn); ok && c.reset {
		_ = tcp.SetLinger(0) // close with RST: "connection reset by peer"
	}
	_ = conn.Close()
}

func (c *cutOff) seen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.methods...)
}

// idempotentCalls are the client's requests that may be repeated, with the
// method each sends and an answer it accepts.
var idempotentCalls = []struct {
	name, method, body string
	call               func(*Client) error
}{
	{"get setting", http.MethodGet, envelope(`{"enabled":true}`), func(c *Client) error {
		_, err := c.GetZoneSetting(context.Background(), testZone)
		return err
	}},
	{"put setting", http.MethodPut, envelope(`{"enabled":true}`), func(c *Client) error {
		_, err := c.SetZoneSetting(context.Background(), testZone, true)
		return err
	}},
	{"patch global setting", http.MethodPatch, envelope(`{"id":"tls_client_auth","value":"on","editable":true}`), func(c *Client) error {
		_, err := c.SetGlobalSetting(context.Background(), testZone, true)
		return err
	}},
	{"put bindings", http.MethodPut, envelope(`[{"hostname":"app.example.com","cert_id":"2458ce5a-0c35-4c7f-82c7-8e9487d3ff60","enabled":true}]`), func(c *Client) error {
		_, err := c.PutBindings(context.Background(), testZone, []BindingChange{{Hostname: "app.example.com", CertID: "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60", Enabled: true}})
		return err
	}},
}

// A body cut off after the headers (short of Content-Length, or by a reset)
// fails the attempt, and an idempotent request is sent again and succeeds.
func TestRetry_cutOffBodyIsRetriedForIdempotentMethods(t *testing.T) {
	for _, reset := range []bool{false, true} {
		for _, tc := range idempotentCalls {
			t.Run(fmt.Sprintf("%s/reset=%t", tc.name, reset), func(t *testing.T) {
				h := &cutOff{body: tc.body, failures: 2, reset: reset}
				c, _ := newTestClient(t, h)
				if err := tc.call(c); err != nil {
					t.Fatalf("want success after two cut-off answers, got %v", err)
				}
				want := []string{tc.method, tc.method, tc.method}
				if got := h.seen(); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Fatalf("requests %v, want %v", got, want)
				}
			})
		}
	}
}

// When every answer is cut off, the retries end after max_retries and the
// error says what was missing.
func TestRetry_cutOffBodyGivesUpAfterMaxRetries(t *testing.T) {
	h := &cutOff{body: envelope(`{"enabled":true}`), failures: 100}
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetZoneSetting(context.Background(), testZone)
	if len(h.seen()) != 3 {
		t.Fatalf("%d requests, want 3", len(h.seen()))
	}
	var bodyErr *bodyReadError
	if !errors.As(err, &bodyErr) || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("want a body read error naming the bytes received, got %v", err)
	}
}

// An upload whose answer is cut off is never sent again: it may have been
// stored, and the provider reconciles it by fingerprint.
func TestRetry_cutOffPostIsNotResent(t *testing.T) {
	for _, reset := range []bool{false, true} {
		h := &cutOff{body: envelope(`{"id":"abc","status":"pending_deployment"}`), failures: 1, reset: reset}
		c, _ := newTestClient(t, h)
		_, err := c.UploadCertificate(context.Background(), HostnameCertificate, testZone, "cert", fakeKey)
		if got := h.seen(); len(got) != 1 || got[0] != http.MethodPost {
			t.Fatalf("reset=%t: requests %v, want one POST", reset, got)
		}
		if err == nil || !IsAmbiguous(err) {
			t.Fatalf("reset=%t: want an ambiguous error, got %v", reset, err)
		}
	}
}
