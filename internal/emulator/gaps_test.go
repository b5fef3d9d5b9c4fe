package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// gapsEnv is an emulator with the given delays, a hostname whose gaps are
// checked, and times relative to the start of the test.
type gapsEnv struct {
	*testEnv
	host string
	t0   time.Time
}

func newGapsEnv(t *testing.T, d Delays) gapsEnv {
	e := newEnv(t, func(c *Config) { c.Delays = d })
	return gapsEnv{testEnv: e, host: "app.example.com", t0: e.clock.Now()}
}

func (g gapsEnv) at(d time.Duration) time.Time { return g.t0.Add(d) }

// advanceTo moves the clock to t0+d.
func (g gapsEnv) advanceTo(d time.Duration) { g.clock.Advance(g.at(d).Sub(g.clock.Now())) }

func (g gapsEnv) wantGaps(what string, want []Gap) {
	g.t.Helper()
	if got := g.s.HostnameGaps(g.zoneID, g.host); !reflect.DeepEqual(got, want) {
		g.t.Fatalf("%s: gaps %v, want %v", what, got, want)
	}
}

func (g gapsEnv) deleteHostnameCert(id string) {
	g.do(http.MethodDelete, g.aopPath("/hostnames/certificates/"+id), nil).ok(g.t, nil)
}

// rotate binds A (active at 10s), then switches to B (uploaded at 10s,
// active at 20s) at 20s: B's association is active at 30s.
func (g gapsEnv) rotate() (a, b certObj) {
	a = g.uploadHostnameCert(newLeaf(g.t, certOpts{}))
	g.bind(g.host, a.ID, ptr(true)).ok(g.t, nil)
	g.advanceTo(10 * time.Second)
	b = g.uploadHostnameCert(newLeaf(g.t, certOpts{}))
	g.advanceTo(20 * time.Second)
	g.bind(g.host, b.ID, ptr(true)).ok(g.t, nil)
	return a, b
}

func TestEmulator_HostnameGapsRotation(t *testing.T) {
	t.Parallel()
	const s = time.Second
	d := UniformDelays(10 * s)

	t.Run("old certificate deleted after the new association is active", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		a, _ := g.rotate()
		g.advanceTo(30 * s)
		g.deleteHostnameCert(a.ID)
		g.advanceTo(time.Minute)
		g.wantGaps("make-before-break", nil)
	})

	t.Run("old certificate deleted while the new association is pending", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		a, _ := g.rotate()
		g.advanceTo(25 * s)
		g.deleteHostnameCert(a.ID) // allowed: no association names A any more
		g.advanceTo(27 * s)
		g.wantGaps("before B's association is active", []Gap{{Start: g.at(25 * s)}})
		g.advanceTo(time.Minute)
		g.wantGaps("after", []Gap{{Start: g.at(25 * s), End: g.at(30 * s)}})
	})

	t.Run("old certificate kept: the edge keeps it until the switch is deployed", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		g.rotate()
		g.advanceTo(25 * s)
		g.wantGaps("during the switch", nil)
		g.advanceTo(time.Minute)
		g.wantGaps("after", nil)
	})

	t.Run("a change replaced before it is deployed is never deployed", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		a, b := g.rotate() // B's association would be active at 30s
		g.advanceTo(25 * s)
		c := g.uploadHostnameCert(newLeaf(t, certOpts{}))
		g.advanceTo(26 * s)
		g.bind(g.host, b.ID, ptr(true)).ok(t, nil) // no change: B stays pending
		g.advanceTo(35 * s)
		g.bind(g.host, c.ID, ptr(true)).ok(t, nil) // B was active at 30s
		g.deleteHostnameCert(a.ID)
		g.advanceTo(38 * s)
		g.bind(g.host, b.ID, ptr(true)).ok(t, nil) // C replaced before 45s
		g.deleteHostnameCert(c.ID)
		g.advanceTo(time.Minute)
		g.wantGaps("B served from 30s until its new association is active", nil)
	})

	t.Run("first binding", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		a := g.uploadHostnameCert(newLeaf(t, certOpts{}))
		g.advanceTo(5 * s)
		g.bind(g.host, a.ID, ptr(true)).ok(t, nil) // certificate active at 10s, association at 15s
		g.advanceTo(12 * s)
		g.wantGaps("while the association is pending", nil)
		g.advanceTo(time.Minute)
		g.wantGaps("after", nil)
	})

	t.Run("removal", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		a, b := g.rotate()
		g.advanceTo(40 * s)
		g.bind(g.host, b.ID, nil).ok(t, nil)
		g.advanceTo(time.Minute)
		g.wantGaps("removed", []Gap{{Start: g.at(40 * s)}})
		g.bind(g.host, a.ID, ptr(true)).ok(t, nil) // active at 70s
		g.advanceTo(65 * s)
		g.wantGaps("re-added, pending", []Gap{{Start: g.at(40 * s)}})
		g.advanceTo(70 * s)
		g.wantGaps("re-added, active", []Gap{{Start: g.at(40 * s), End: g.at(70 * s)}})
	})

	t.Run("disable then enable", func(t *testing.T) {
		t.Parallel()
		g := newGapsEnv(t, d)
		_, b := g.rotate()
		g.advanceTo(40 * s)
		g.bind(g.host, b.ID, ptr(false)).ok(t, nil) // counts at once
		g.advanceTo(45 * s)
		g.bind(g.host, b.ID, ptr(true)).ok(t, nil) // active at 55s
		g.advanceTo(time.Minute)
		g.wantGaps("disabled", []Gap{{Start: g.at(40 * s), End: g.at(55 * s)}})
	})
}

// A certificate that is not active yet does not cover, even once its
// association is deployed.
func TestEmulator_HostnameGapsPendingCertificate(t *testing.T) {
	t.Parallel()
	const s = time.Second
	g := newGapsEnv(t, Delays{CertificateDeploy: 30 * s, AssociationDeploy: 5 * s})
	a := g.uploadHostnameCert(newLeaf(t, certOpts{}))
	g.advanceTo(30 * s)
	g.bind(g.host, a.ID, ptr(true)).ok(t, nil) // covered from 35s
	g.advanceTo(40 * s)
	c := g.uploadHostnameCert(newLeaf(t, certOpts{})) // active at 70s
	g.bind(g.host, c.ID, ptr(true)).ok(t, nil)        // association active at 45s
	g.advanceTo(50 * s)
	g.wantGaps("during", []Gap{{Start: g.at(45 * s)}})
	g.advanceTo(time.Minute + 10*s)
	g.wantGaps("after", []Gap{{Start: g.at(45 * s), End: g.at(70 * s)}})
}

func TestEmulator_HostnameGapsLookup(t *testing.T) {
	t.Parallel()
	g := newGapsEnv(t, UniformDelays(0))
	a := g.uploadHostnameCert(newLeaf(t, certOpts{}))
	g.bind(g.host, a.ID, ptr(true)).ok(t, nil)
	g.clock.Advance(time.Second)
	g.bind(g.host, a.ID, nil).ok(t, nil)
	want := []Gap{{Start: g.at(time.Second)}}
	g.wantGaps("removed", want)

	// The hostname is normalised, other hostnames and zones have no gaps.
	if got := g.s.HostnameGaps(g.zoneID, "APP.example.com."); !reflect.DeepEqual(got, want) {
		t.Fatalf("normalisation: %v", got)
	}
	if g.s.HostnameGaps(g.zoneID, "other.example.com") != nil || g.s.HostnameGaps("nope", g.host) != nil {
		t.Fatal("unexpected gaps")
	}

	// Through the admin endpoint.
	var viaHTTP []Gap
	r := g.do(http.MethodGet, "/__emulator/gaps?zone_id="+g.zoneID+"&hostname="+g.host, nil)
	if err := json.Unmarshal(r.raw, &viaHTTP); err != nil || !reflect.DeepEqual(viaHTTP, want) {
		t.Fatalf("admin gaps: %s %v", r.raw, err)
	}

	g.s.Reset()
	g.wantGaps("Reset must forget the history", nil)
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

// A certificate's deletion time is still known once the certificate is
// purged from the listing, as long as a hostname's history names it.
func TestEmulator_CertificateDeletionRequestedOutlivesPurge(t *testing.T) {
	t.Parallel()
	const s = time.Second
	g := newGapsEnv(t, UniformDelays(10*s))
	a, b := g.rotate()
	if _, ok := g.s.CertificateDeletionRequested(g.zoneID, a.ID); ok {
		t.Fatal("a deletion reported before any was requested")
	}
	g.advanceTo(30 * s)
	g.deleteHostnameCert(a.ID)
	g.advanceTo(time.Hour) // deleted at 40 s, purged at 50 s
	for _, z := range g.s.Snapshot().Zones {
		for _, c := range z.HostnameCertificates {
			if c.ID == a.ID {
				t.Fatalf("certificate %s still listed an hour after its deletion", a.ID)
			}
		}
	}
	if at, ok := g.s.CertificateDeletionRequested(g.zoneID, a.ID); !ok || !at.Equal(g.at(30*s)) {
		t.Fatalf("deletion of the purged certificate: %v %v, want %v", at, ok, g.at(30*s))
	}
	if _, ok := g.s.CertificateDeletionRequested(g.zoneID, b.ID); ok {
		t.Fatal("a deletion reported for the certificate in use")
	}
	if _, ok := g.s.CertificateDeletionRequested("0123456789abcdef0123456789abcdef", a.ID); ok {
		t.Fatal("a deletion reported in an unknown zone")
	}
}
