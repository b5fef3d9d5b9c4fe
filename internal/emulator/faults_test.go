package emulator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// freshClient opens a new connection per request, so that a connection
// closed by a Reset fault is not retried transparently by the transport
// (which Go does for idempotent requests on reused connections).
func freshClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

func (e *testEnv) countCerts(kind string) int {
	e.t.Helper()
	st := e.s.Snapshot()
	if kind == "zone" {
		return len(st.Zones[0].ZoneCertificates)
	}
	return len(st.Zones[0].HostnameCertificates)
}

func TestEmulator_FaultStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", PathContains: "/origin_tls_client_auth", Status: 503, Times: 2}}})
	// Other methods are not affected.
	e.do(http.MethodGet, e.aopPath(""), nil).ok(t, nil)
	leaf := newLeaf(t, certOpts{})
	for i := 0; i < 2; i++ {
		e.do(http.MethodPost, e.aopPath(""), leaf.body()).fails(t, 503, codeInjectedFault, "Emulated failure: HTTP 503 Service Unavailable")
	}
	if n := e.countCerts("zone"); n != 0 {
		t.Fatalf("a failed request was applied (%d certificates)", n)
	}
	e.do(http.MethodPost, e.aopPath(""), leaf.body()).ok(t, nil)
}

func TestEmulator_FaultRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.SetFaults(Faults{FailNext: []Fault{{PathContains: "/settings", Status: 429, RetryAfter: 7}}})
	e.do(http.MethodGet, "/zones", nil).ok(t, nil) // path does not match
	r := e.do(http.MethodGet, e.aopPath("/settings"), nil)
	r.fails(t, 429, codeRateLimited, "Please wait and consider throttling your request speed")
	if got := r.header.Get("Retry-After"); got != "7" {
		t.Fatalf("Retry-After %q, want 7", got)
	}
	e.do(http.MethodGet, e.aopPath("/settings"), nil).ok(t, nil)
}

func TestEmulator_FaultAfterApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", AfterApply: true, Status: 502}}})
	leaf := newLeaf(t, certOpts{})
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), leaf.body()).fails(t, 502, codeInjectedFault, "502")
	if n := e.countCerts("hostname"); n != 1 {
		t.Fatalf("AfterApply: want the upload applied, got %d certificates", n)
	}
	// A retry of the lost request now meets the duplicate rule.
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), leaf.body()).fails(t, 400, codeCertExists, "")

	// AfterApply without a status answers 500.
	e.s.SetFaults(Faults{FailNext: []Fault{{AfterApply: true}}})
	e.do(http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": true}).fails(t, 500, codeInjectedFault, "500")
	if !e.s.Snapshot().Zones[0].Settings.ZoneLevelEnabled {
		t.Fatal("AfterApply: the PUT was not applied")
	}
}

func TestEmulator_FaultReset(t *testing.T) {
	t.Parallel()
	for _, afterApply := range []bool{false, true} {
		e := newEnv(t)
		e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", Reset: true, AfterApply: afterApply}}})
		leaf := newLeaf(t, certOpts{})
		_, _, err := e.trySend(freshClient(5*time.Second), http.MethodPost, e.aopPath(""), leaf.body(),
			map[string]string{"Authorization": "Bearer " + e.token})
		if err == nil {
			t.Fatalf("afterApply=%v: want a connection error", afterApply)
		}
		want := 0
		if afterApply {
			want = 1
		}
		if n := e.countCerts("zone"); n != want {
			t.Fatalf("afterApply=%v: %d certificates stored, want %d", afterApply, n, want)
		}
		e.do(http.MethodGet, e.aopPath(""), nil).ok(t, nil)
	}
}

// Truncate applies the request, then sends its status, headers and half the
// body it declared in Content-Length before closing the connection.
func TestEmulator_FaultTruncate(t *testing.T) {
	e := newEnv(t)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "PUT", Truncate: true}}})
	resp, raw, err := e.trySend(freshClient(5*time.Second), http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": true},
		map[string]string{"Authorization": "Bearer " + e.token})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want io.ErrUnexpectedEOF reading the body, got %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.ContentLength <= 0 || int64(len(raw)) != resp.ContentLength/2 {
		t.Fatalf("got HTTP %d, Content-Length %d and %d body bytes; want 200 and half the declared length", resp.StatusCode, resp.ContentLength, len(raw))
	}
	if !e.s.Snapshot().Zones[0].Settings.ZoneLevelEnabled {
		t.Fatal("a truncated answer's PUT was not applied")
	}
	if got := e.s.InjectedFaults()["truncated body"]; got != 1 {
		t.Fatalf("injected %v, want one truncated body", e.s.InjectedFaults())
	}
	e.do(http.MethodGet, e.aopPath("/settings"), nil).ok(t, nil)
}

func TestEmulator_FaultHang(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	auth := map[string]string{"Authorization": "Bearer " + e.token}
	leaf := newLeaf(t, certOpts{})

	// The client gives up during the hang: nothing is applied. Clients give
	// up once the emulator has taken the fault, not after a time: a client
	// timeout could fire before a starved emulator read the request, which
	// then took the next part's fault and left that part's request none (a
	// CI failure, reproduced with the test pinned to a busy core).
	hanging := make(chan FaultEvent, 1)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", Hang: 10 * time.Second, Notify: hanging}}})
	_, _, err := e.trySendContext(giveUpOn(t, hanging), freshClient(0), http.MethodPost, e.aopPath(""), leaf.body(), auth)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the client to give up during the hang, got %v", err)
	}
	if got := e.s.InjectedFaults()["slow answer"]; got != 1 {
		t.Fatalf("injected %v, want one slow answer", e.s.InjectedFaults())
	}
	if n := e.countCerts("zone"); n != 0 {
		t.Fatalf("a request given up during the hang was applied (%d certificates)", n)
	}

	// AfterApply + Hang: the change is made, the answer never comes.
	applied := make(chan FaultEvent, 1)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", Hang: 10 * time.Second, AfterApply: true, Status: 504, Notify: applied}}})
	_, _, err = e.trySendContext(giveUpOn(t, applied), freshClient(0), http.MethodPost, e.aopPath(""), leaf.body(), auth)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("AfterApply+Hang: want the client to give up during the hang, got %v", err)
	}
	if n := e.countCerts("zone"); n != 1 {
		t.Fatalf("AfterApply+Hang: %d certificates, want 1", n)
	}

	// A short hang alone is a slow but normal answer.
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "GET", Hang: 50 * time.Millisecond}}})
	start := time.Now()
	e.do(http.MethodGet, e.aopPath(""), nil).ok(t, nil)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %s, want at least 50ms", d)
	}
}

func TestEmulator_FaultLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.SetFaults(Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("two requests took %s, want at least 60ms", d)
	}
	// The admin and CA endpoints are not slowed down or failed.
	e.s.SetFaults(Faults{Latency: time.Hour, FailNext: []Fault{{Status: 500, Times: 100}}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, p := range []string{"/__emulator/state", "/__emulator/requests", CAPath} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+p, nil)
		req.Header.Set("Authorization", "Bearer "+e.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	e.s.SetFaults(Faults{})
	e.do(http.MethodGet, "/zones", nil).ok(t, nil)
}

func TestEmulator_FaultTake(t *testing.T) {
	t.Parallel()
	f := Faults{FailNext: []Fault{
		{Method: "put", PathContains: "/hostnames", Status: 500, Times: 2},
		{Status: 502, Times: 1},
	}}
	want := []int{500, 500, 502}
	for i, w := range want {
		ft, ok := f.take("PUT", "/client/v4/zones/x/origin_tls_client_auth/hostnames", nil)
		if !ok || ft.Status != w {
			t.Fatalf("request %d: got %+v %v, want status %d", i, ft, ok, w)
		}
	}
	if _, ok := f.take("PUT", "/x", nil); ok || len(f.FailNext) != 0 {
		t.Fatalf("faults left: %+v", f.FailNext)
	}
	// SetFaults treats Times 0 as 1 and copies the slice.
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := []Fault{{Status: 500}}
	s.SetFaults(Faults{FailNext: in})
	in[0].Status = 501
	if _, ok := s.faults.take("GET", "/", nil); !ok {
		t.Fatal("a fault with Times 0 should apply once")
	}
	if _, ok := s.faults.take("GET", "/", nil); ok {
		t.Fatal("a fault with Times 0 should apply only once")
	}
}

// giveUpOn returns a context canceled when the emulator reports a fault on
// events: a client that gives up during a hang whatever the machine's load.
// If no event comes, the hang ends and the request is answered.
func giveUpOn(t *testing.T, events <-chan FaultEvent) context.Context {
	ctx, giveUp := context.WithCancel(context.Background())
	t.Cleanup(giveUp)
	go func() {
		select {
		case <-events:
			giveUp()
		case <-ctx.Done():
		}
	}()
	return ctx
}
