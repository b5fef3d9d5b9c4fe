package emulator

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"
)

const aopCertsPath = "/client/v4/zones/x/origin_tls_client_auth"

// A probabilistic fault fails about its share of requests, stays after it
// fired, and the same seed gives the same draws.
func TestFaults_probabilityIsSeededAndPersistent(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []bool {
		s, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		s.SetFaults(Faults{Seed: seed, FailNext: []Fault{{Method: "GET", Status: 503, Probability: 0.3}}})
		out := make([]bool, 2000)
		for i := range out {
			s.mu.Lock()
			_, out[i] = s.faults.take("GET", aopCertsPath, nil)
			s.mu.Unlock()
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	hits := 0
	same, differ := true, false
	for i := range a {
		if a[i] {
			hits++
		}
		same = same && a[i] == b[i]
		differ = differ || a[i] != c[i]
	}
	if !same || !differ {
		t.Fatalf("seeded draws: same seed equal=%t, other seed differs=%t", same, differ)
	}
	if share := float64(hits) / float64(len(a)); math.Abs(share-0.3) > 0.05 {
		t.Fatalf("failed %.3f of requests, want about 0.3", share)
	}
}

func TestFaults_timesLimitsAProbabilisticFault(t *testing.T) {
	t.Parallel()
	s, _ := New(Config{})
	s.SetFaults(Faults{FailNext: []Fault{{Status: 500, Probability: 1, Times: 3}}})
	n := 0
	for range 10 {
		s.mu.Lock()
		if _, ok := s.faults.take("GET", aopCertsPath, nil); ok {
			n++
		}
		s.mu.Unlock()
	}
	if n != 3 {
		t.Fatalf("applied %d times, want 3", n)
	}
}

// Once a draw hits, a burst fails the next Burst-1 matching requests too.
func TestFaults_burst(t *testing.T) {
	t.Parallel()
	// The first draw is certain to hit; then the probability drops to almost
	// nothing, so only the burst fails the following requests.
	f := Faults{FailNext: []Fault{{Status: 429, RetryAfter: 1, Probability: 1, Burst: 4, Times: unlimited}}}
	if _, ok := f.take("GET", "/", nil); !ok {
		t.Fatal("the first request should start the burst")
	}
	f.FailNext[0].Probability = 1e-12
	for i := 0; i < 3; i++ {
		if ft, ok := f.take("GET", "/", nil); !ok || ft.Status != 429 {
			t.Fatalf("request %d of the burst was not failed", i+2)
		}
	}
	if _, ok := f.take("GET", "/", nil); ok {
		t.Fatal("the burst lasted longer than 4 requests")
	}
}

// MaxInARow lets an identical request through after that many faults in a
// row, whatever the draw; a different body or path is another request, and
// a request that got through starts its count again.
func TestFaults_maxInARow(t *testing.T) {
	t.Parallel()
	f := Faults{FailNext: []Fault{{Status: 503, Probability: 1, MaxInARow: 2, Times: unlimited}}}
	var got []bool
	for _, body := range []string{"a", "a", "a", "b", "a", "a", "a"} {
		_, ok := f.take("PUT", "/x", []byte(body))
		got = append(got, ok)
	}
	if fmt.Sprint(got) != "[true true false true true true false]" {
		t.Fatalf("applied %v, want the third identical request through, then two more faults", got)
	}
	if _, ok := f.take("PUT", "/y", []byte("a")); !ok {
		t.Fatal("another path is another request")
	}
}

// BodyContains picks one request among identical paths: one certificate's
// upload among concurrent ones.
func TestFaults_bodyContains(t *testing.T) {
	t.Parallel()
	f := Faults{FailNext: []Fault{{Method: "POST", BodyContains: "MIIB2", Status: 503, Times: 2}}}
	var got []bool
	for _, body := range []string{"MIIB1", "MIIB2", "MIIB3", "MIIB2", "MIIB2"} {
		_, ok := f.take("POST", "/certs", []byte(body))
		got = append(got, ok)
	}
	if fmt.Sprint(got) != "[false true false true false]" {
		t.Fatalf("applied %v, want the first two requests whose body holds MIIB2", got)
	}
}

// Skip lets requests through before the fault applies: the third POST fails.
func TestFaults_skip(t *testing.T) {
	t.Parallel()
	f := Faults{FailNext: []Fault{{Method: "POST", Status: 502, Skip: 2, Times: 1}}}
	var got []bool
	for _, m := range []string{"POST", "GET", "POST", "POST", "POST"} {
		_, ok := f.take(m, "/", nil)
		got = append(got, ok)
	}
	if fmt.Sprint(got) != "[false false false true false]" {
		t.Fatalf("applied %v, want only the third POST", got)
	}
}

// Notify reports an AfterApply fault once the change is made, while the
// request still hangs: a test can kill a client at exactly that point.
func TestFaults_notifyAfterApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	events := make(chan FaultEvent, 1)
	e.s.SetFaults(Faults{FailNext: []Fault{{Method: "POST", AfterApply: true, Hang: 10 * time.Second, Notify: events}}})
	leaf := newLeaf(t, certOpts{})
	done := make(chan error, 1)
	go func() {
		_, _, err := e.trySend(freshClient(5*time.Second), http.MethodPost, e.aopPath(""), leaf.body(),
			map[string]string{"Authorization": "Bearer " + e.token})
		done <- err
	}()
	select {
	case ev := <-events:
		if ev.Method != "POST" || ev.Kind != "500 after apply" {
			t.Fatalf("event %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	if n := e.countCerts("zone"); n != 1 {
		t.Fatalf("at the event, %d certificates are stored, want 1", n)
	}
	if err := <-done; err == nil {
		t.Fatal("the client should have timed out")
	}
}

func TestFaults_injectedCountsAndKinds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.SetFaults(Faults{FailNext: []Fault{
		{Method: "GET", Status: 503, Times: 2},
		{Method: "PUT", AfterApply: true, Times: 1},
		{Method: "GET", Hang: time.Millisecond, Times: 1},
	}})
	e.do(http.MethodGet, e.aopPath(""), nil).fails(t, 503, codeInjectedFault, "")
	e.do(http.MethodGet, e.aopPath(""), nil).fails(t, 503, codeInjectedFault, "")
	e.do(http.MethodGet, e.aopPath(""), nil).ok(t, nil)
	e.do(http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": true}).fails(t, 500, codeInjectedFault, "")
	got := fmt.Sprint(e.s.InjectedFaults())
	if want := "map[500 after apply:1 503 before apply:2 slow answer:1]"; got != want {
		t.Fatalf("injected %s, want %s", got, want)
	}
	e.s.SetFaults(Faults{})
	if n := len(e.s.InjectedFaults()); n != 0 {
		t.Fatalf("SetFaults should clear the counts, got %d kinds", n)
	}
	for ft, want := range map[*Fault]string{
		{Reset: true}:                    "reset before apply",
		{Reset: true, AfterApply: true}:  "reset after apply",
		{Status: 429, RetryAfter: 1}:     "429",
		{Status: 502, AfterApply: true}:  "502 after apply",
		{Hang: time.Second}:              "slow answer",
		{}:                               "no-op",
		{Status: 503, Hang: time.Second}: "503 before apply",
		{Truncate: true}:                 "truncated body",
	} {
		if got := ft.Kind(); got != want {
			t.Errorf("%+v: kind %q, want %q", *ft, got, want)
		}
	}
}

func TestFaults_adminMix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodPost, "/__emulator/faults", map[string]any{
		"seed": 42,
		"fail_next": []map[string]any{
			{"method": "POST", "status": 503, "probability": 0.25},
			{"status": 429, "retry_after": 1, "probability": 0.1, "burst": 3},
			{"hang": "2s", "probability": 0.05},
			{"method": "POST", "reset": true, "after_apply": true, "skip": 4, "body_contains": "MIIB", "max_in_a_row": 2},
		},
	})
	if r.status != http.StatusOK {
		t.Fatalf("POST /__emulator/faults: %d %s", r.status, r.raw)
	}
	e.s.mu.Lock()
	f := e.s.faults
	e.s.mu.Unlock()
	if f.Seed != 42 || len(f.FailNext) != 4 || f.FailNext[0].Times != unlimited || f.FailNext[3].Times != 1 ||
		f.FailNext[1].Burst != 3 || f.FailNext[2].Hang != 2*time.Second || f.FailNext[3].Skip != 4 ||
		f.FailNext[3].BodyContains != "MIIB" || f.FailNext[3].MaxInARow != 2 {
		t.Fatalf("faults %+v", f)
	}
	e.do(http.MethodPost, "/__emulator/faults", `{"fail_next":[{"probability":1.5}]}`).fails(t, 400, codeInvalidJSON, "probability must be from 0 to 1")
	e.do(http.MethodPost, "/__emulator/faults", `{"fail_next":[{"skip":-1}]}`).fails(t, 400, codeInvalidJSON, "must not be negative")
}

// FuzzParseFaults: the admin endpoint's body either parses into faults the
// emulator can apply or is refused; it never panics.
func FuzzParseFaults(f *testing.F) {
	f.Add(`{"seed":1,"latency":"5ms","fail_next":[{"method":"POST","status":503,"probability":0.2,"burst":3,"skip":1,"hang":"1s"}]}`)
	f.Add(`{"fail_next":[{"probability":2}]}`)
	f.Add(`{"latency":-5}`)
	f.Add(`{"fail_next":[{"times":-1}]}`)
	f.Add(`{"fail_next":[{"method":"PUT","truncate":true,"probability":0.5}]}`)
	f.Add(`{"fail_next":[{"truncate":true,"reset":true}]}`)
	f.Add(`{"fail_next":[{"status":503,"probability":1,"max_in_a_row":2,"body_contains":"x"}]}`)
	f.Add(`{"fail_next":[{"max_in_a_row":-1}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		faults, err := parseFaults([]byte(body))
		if err != nil {
			return
		}
		for _, ft := range faults.FailNext {
			if ft.Probability < 0 || ft.Probability > 1 || ft.Times < 0 || ft.Burst < 0 || ft.Skip < 0 || ft.MaxInARow < 0 ||
				(ft.Truncate && (ft.Reset || ft.Status != 0)) {
				t.Fatalf("accepted %+v from %s", ft, body)
			}
		}
		s, _ := New(Config{})
		s.SetFaults(faults)
		s.mu.Lock()
		defer s.mu.Unlock()
		for i := range 10 {
			s.faults.take("GET", aopCertsPath, []byte{byte(i % 2), 'x'})
		}
	})
}
