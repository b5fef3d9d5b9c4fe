package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestEmulator_HostnameGaps(t *testing.T) {
	t.Parallel()
	const delay = 10 * time.Second
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	host := "app.example.com"
	gaps := func() []Gap { return e.s.HostnameGaps(e.zoneID, host) }
	t0 := e.clock.Now()
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	a := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	// Bound while the certificate is still pending: no coverage yet, and no
	// gap either, because the hostname never had a certificate.
	e.bind(host, a.ID, ptr(true)).ok(t, nil)
	if g := gaps(); g != nil {
		t.Fatalf("before first coverage: %v", g)
	}
	e.clock.Advance(delay) // t0+10s: A active, hostname covered

	// Switching to another active certificate leaves no gap.
	b := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.clock.Advance(delay) // t0+20s
	e.bind(host, b.ID, ptr(true)).ok(t, nil)
	e.clock.Advance(delay) // t0+30s
	if g := gaps(); g != nil {
		t.Fatalf("switch between active certificates: %v", g)
	}

	// Switching to a certificate that is not active yet leaves a gap until
	// it is.
	c := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind(host, c.ID, ptr(true)).ok(t, nil) // t0+30s, C active at t0+40s
	e.clock.Advance(5 * time.Second)         // t0+35s
	if g, want := gaps(), []Gap{{Start: at(30 * time.Second)}}; !reflect.DeepEqual(g, want) {
		t.Fatalf("during the switch: %v, want %v", g, want)
	}
	e.clock.Advance(5 * time.Second) // t0+40s
	want := []Gap{{Start: at(30 * time.Second), End: at(40 * time.Second)}}
	if g := gaps(); !reflect.DeepEqual(g, want) {
		t.Fatalf("after the switch: %v, want %v", g, want)
	}

	// Disabling opens a gap; enabling again closes it.
	e.clock.Advance(2 * time.Second)
	e.bind(host, c.ID, ptr(false)).ok(t, nil) // t0+42s
	e.clock.Advance(3 * time.Second)
	e.bind(host, c.ID, ptr(true)).ok(t, nil) // t0+45s
	want = append(want, Gap{Start: at(42 * time.Second), End: at(45 * time.Second)})
	if g := gaps(); !reflect.DeepEqual(g, want) {
		t.Fatalf("after disable/enable: %v, want %v", g, want)
	}

	// Removing opens a gap that stays open until a certificate is bound.
	e.clock.Advance(time.Second)
	e.bind(host, c.ID, nil).ok(t, nil) // t0+46s
	e.clock.Advance(time.Minute)
	if g := gaps(); !reflect.DeepEqual(g, append(want, Gap{Start: at(46 * time.Second)})) {
		t.Fatalf("after removal: %v", g)
	}
	e.bind(host, a.ID, ptr(true)).ok(t, nil) // t0+106s
	want = append(want, Gap{Start: at(46 * time.Second), End: at(106 * time.Second)})
	if g := gaps(); !reflect.DeepEqual(g, want) {
		t.Fatalf("after re-adding: %v, want %v", g, want)
	}

	// The hostname is normalised, other hostnames and zones have no gaps.
	if g := e.s.HostnameGaps(e.zoneID, "APP.example.com."); len(g) != len(want) {
		t.Fatalf("normalisation: %v", g)
	}
	if e.s.HostnameGaps(e.zoneID, "other.example.com") != nil || e.s.HostnameGaps("nope", host) != nil {
		t.Fatal("unexpected gaps")
	}

	// Through the admin endpoint.
	var viaHTTP []Gap
	r := e.do(http.MethodGet, "/__emulator/gaps?zone_id="+e.zoneID+"&hostname="+host, nil)
	if err := json.Unmarshal(r.raw, &viaHTTP); err != nil || len(viaHTTP) != len(want) {
		t.Fatalf("admin gaps: %s %v", r.raw, err)
	}

	e.s.Reset()
	if g := gaps(); g != nil {
		t.Fatalf("Reset must forget the history: %v", g)
	}
}

func TestEmulator_HostnameGapsZeroDelay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	host := "app.example.com"
	a := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	b := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind(host, a.ID, ptr(true)).ok(t, nil)
	e.clock.Advance(time.Second)
	e.bind(host, b.ID, ptr(true)).ok(t, nil) // make-before-break: no gap
	e.clock.Advance(time.Second)
	if g := e.s.HostnameGaps(e.zoneID, host); g != nil {
		t.Fatalf("rotation by switching: %v", g)
	}
	// Break-before-make: remove, then bind the new certificate later.
	e.bind(host, b.ID, nil).ok(t, nil)
	e.clock.Advance(time.Second)
	e.bind(host, a.ID, ptr(true)).ok(t, nil)
	if g := e.s.HostnameGaps(e.zoneID, host); len(g) != 1 || g[0].End.Sub(g[0].Start) != time.Second {
		t.Fatalf("rotation by removal: %v", g)
	}
}
