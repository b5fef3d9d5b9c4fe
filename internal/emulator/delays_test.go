package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// certStatus is the status GET answers for a hostname certificate, or
// "404" once it is purged.
func (e *testEnv) certStatus(id string) string {
	e.t.Helper()
	r := e.do(http.MethodGet, e.aopPath("/hostnames/certificates/"+id), nil)
	if r.status == http.StatusNotFound {
		return "404"
	}
	var c certObj
	r.ok(e.t, &c)
	return c.Status
}

func (e *testEnv) assocStatus(hostname string) string {
	e.t.Helper()
	a, r := e.getAssoc(hostname)
	if r.status == http.StatusNotFound {
		return "404"
	}
	return a.Status
}

// expectAt advances the clock to just before and then to the transition,
// checking the status on each side.
func expectAt(t *testing.T, e *testEnv, d time.Duration, status func() string, before, after string) {
	t.Helper()
	e.clock.Advance(d - time.Millisecond)
	if got := status(); got != before {
		t.Fatalf("just before %s: status %q, want %q", d, got, before)
	}
	e.clock.Advance(time.Millisecond)
	if got := status(); got != after {
		t.Fatalf("at %s: status %q, want %q", d, got, after)
	}
}

func TestEmulator_EachTransitionHasItsOwnDelay(t *testing.T) {
	t.Parallel()
	d := Delays{CertificateDeploy: 30 * time.Second, CertificateDelete: 20 * time.Second, AssociationDeploy: 5 * time.Second, AssociationRemove: 3 * time.Second}
	e := newEnv(t, func(c *Config) { c.Delay = time.Hour; c.Delays = d })
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	cert := func() string { return e.certStatus(hc.ID) }
	expectAt(t, e, d.CertificateDeploy, cert, StatusPendingDeployment, StatusActive)

	e.bind("app.example.com", hc.ID, ptr(true)).ok(t, nil)
	assoc := func() string { return e.assocStatus("app.example.com") }
	expectAt(t, e, d.AssociationDeploy, assoc, StatusPendingDeployment, StatusActive)
	e.bind("app.example.com", hc.ID, nil).ok(t, nil)
	expectAt(t, e, d.AssociationRemove, assoc, StatusPendingDeletion, "404")

	e.do(http.MethodDelete, e.aopPath("/hostnames/certificates/"+hc.ID), nil).ok(t, nil)
	expectAt(t, e, d.CertificateDelete, cert, StatusPendingDeletion, StatusDeleted)
	expectAt(t, e, d.CertificateDelete, cert, StatusDeleted, "404")
}

func TestEmulator_DelayFillsUnsetTransitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Delay = 7 * time.Second; c.Delays = Delays{AssociationDeploy: time.Second} })
	want := Delays{CertificateDeploy: 7 * time.Second, CertificateDelete: 7 * time.Second, AssociationDeploy: time.Second, AssociationRemove: 7 * time.Second}
	if got := e.s.Delays(); got != want {
		t.Fatalf("Delays() = %+v, want %+v", got, want)
	}
	if st := e.s.Snapshot(); st.Delay != "" || st.Delays != want {
		t.Fatalf("snapshot delay %q, delays %+v: mixed delays have no single value", st.Delay, st.Delays)
	}
}

func TestEmulator_JitterSpreadsTransitions(t *testing.T) {
	t.Parallel()
	const base, jitter, n = 10 * time.Second, 10 * time.Second, 50
	e := newEnv(t, func(c *Config) { c.Delays = Delays{AssociationDeploy: base, Jitter: jitter} })
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	for i := range n {
		e.bind(fmt.Sprintf("h%d.example.com", i), hc.ID, ptr(true)).ok(t, nil)
	}
	active := func() int {
		k := 0
		for i := range n {
			if e.assocStatus(fmt.Sprintf("h%d.example.com", i)) == StatusActive {
				k++
			}
		}
		return k
	}
	e.clock.Advance(base - time.Millisecond)
	if k := active(); k != 0 {
		t.Fatalf("%d associations active before the base delay", k)
	}
	e.clock.Advance(jitter/2 + time.Millisecond)
	if k := active(); k == 0 || k == n {
		t.Fatalf("%d of %d active half way through the jitter: transitions are not spread", k, n)
	}
	e.clock.Advance(jitter / 2)
	if k := active(); k != n {
		t.Fatalf("%d of %d active after base delay plus jitter", k, n)
	}
}

func TestEmulator_SetDelayKeepsJitter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Delays = Delays{CertificateDeploy: time.Minute, Jitter: time.Second} })
	e.s.SetDelay(3 * time.Second)
	want := UniformDelays(3 * time.Second)
	want.Jitter = time.Second
	if got := e.s.Delays(); got != want {
		t.Fatalf("after SetDelay: %+v, want %+v", got, want)
	}
	if err := e.s.SetDelays(Delays{AssociationRemove: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative association remove delay") {
		t.Fatalf("SetDelays with a negative delay: %v", err)
	}
	if _, err := New(Config{Delays: Delays{Jitter: -time.Second}}); err == nil || !strings.Contains(err.Error(), "negative jitter delay") {
		t.Fatalf("New with a negative jitter: %v", err)
	}
}

func TestEmulator_AdminDelays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Delay = 2 * time.Second })
	get := func() map[string]string {
		t.Helper()
		r := e.do(http.MethodGet, "/__emulator/delays", nil)
		var m map[string]string
		if r.status != http.StatusOK || json.Unmarshal(r.raw, &m) != nil {
			t.Fatalf("GET delays: %d %s", r.status, r.raw)
		}
		return m
	}
	want := map[string]string{"certificate_deploy": "2s", "certificate_delete": "2s", "association_deploy": "2s", "association_remove": "2s", "jitter": "0s"}
	if got := get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("GET delays = %v, want %v", got, want)
	}

	r := e.do(http.MethodPost, "/__emulator/delays", `{"certificate_deploy":"3m","association_deploy":"30s","jitter":"1.5s"}`)
	if r.status != http.StatusOK {
		t.Fatalf("POST delays: %d %s", r.status, r.raw)
	}
	want = map[string]string{"certificate_deploy": "3m0s", "certificate_delete": "2s", "association_deploy": "30s", "association_remove": "2s", "jitter": "1.5s"}
	if got := get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after POST: %v, want %v", got, want)
	}

	e.do(http.MethodPost, "/__emulator/delays", `{"association_remove":"-1s"}`).fails(t, 400, codeInvalidRequest, "association_remove must be a non-negative duration")
	e.do(http.MethodPost, "/__emulator/delays", `{"association_remove":"soon"}`).fails(t, 400, codeInvalidRequest, "association_remove")
	e.do(http.MethodPost, "/__emulator/delays", `not json`).fails(t, 400, codeInvalidRequest, "Invalid delays")
	e.do(http.MethodDelete, "/__emulator/delays", nil).fails(t, 405, codeMethodNotAllowed, "")
	if got := get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("a refused POST changed the delays: %v", got)
	}

	// The single -delay endpoint still sets all four.
	if r := e.do(http.MethodPost, "/__emulator/delay?d=4s", nil); r.status != http.StatusOK {
		t.Fatalf("POST delay: %d %s", r.status, r.raw)
	}
	if got := e.s.Delays(); got.CertificateDeploy != 4*time.Second || got.AssociationRemove != 4*time.Second || got.Jitter != 1500*time.Millisecond {
		t.Fatalf("after POST delay?d=4s: %+v", got)
	}
}
