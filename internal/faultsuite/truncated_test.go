package faultsuite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// 50 bindings on 5 hostname certificates in one zone are applied while half
// the binding PUTs and a third of the reads have their answer cut off after
// the headers (the PUT is applied, its answer lost). The provider sends
// those idempotent requests again, so the first apply succeeds, with
// nothing lost or duplicated and an empty plan after it.
func TestFaultSuite_truncatedBindingBatches(t *testing.T) {
	t.Parallel()
	lab := newLab(t, 200*time.Millisecond)
	fx, err := NewFixture(zoneIDs(lab, Zones[0]), Shape{HostnameCerts: 5, Bindings: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Enough retries that a request is retried many times at these rates,
	// and the faults stop short of them (MaxInARow): the test proves the
	// retry, and never fails on a draw.
	fx.Files["main.tf"] = strings.Replace(fx.Files["main.tf"], `max_backoff = "2s"`, "max_backoff = \"2s\"\n  max_retries = 10", 1)
	ws := newWorkspace(t, lab, filepath.Join(t.TempDir(), "ws"), fx)

	lab.Emu.ResetCounts()
	lab.Emu.SetFaults(emulator.Faults{Seed: 13, FailNext: []emulator.Fault{
		{Method: "PUT", PathContains: "/origin_tls_client_auth/hostnames", Truncate: true, Probability: 0.5, MaxInARow: 10},
		{Method: "GET", Truncate: true, Probability: 0.3, MaxInARow: 10},
	}})
	start := time.Now()
	out, code := ws.apply()
	took := time.Since(start)
	truncated := lab.Emu.InjectedFaults()["truncated body"]
	lab.Emu.SetFaults(emulator.Faults{})
	if code != 0 {
		t.Fatalf("the apply failed although every cut-off request was idempotent:\n%s", errorLines(out))
	}
	requests, puts := 0, 0
	for k, v := range lab.Emu.Counts() {
		if !strings.Contains(k, "/zones") {
			continue
		}
		requests += v
		if strings.HasPrefix(k, "PUT ") && strings.HasSuffix(k, "/origin_tls_client_auth/hostnames") {
			puts += v
		}
	}
	if truncated == 0 || puts == 0 {
		t.Fatalf("no answer was cut off (%d) or no binding PUT sent (%d): the test proves nothing", truncated, puts)
	}
	rep := Compare(ws.state(), lab.Emu.Snapshot())
	if rep.InState != fx.Count || len(rep.Orphans)+len(rep.Duplicates)+len(rep.Disagreements) > 0 {
		t.Errorf("want %d resources and nothing else: %s", fx.Count, rep)
	}
	if empty, plan := ws.planIsEmpty(); !empty {
		t.Errorf("the plan after the apply is not empty:\n%s", plan)
	}
	t.Logf("%d resources (50 bindings) in one apply, %s: %d API requests (%d binding PUTs), %d answers cut off and retried",
		fx.Count, took.Round(100*time.Millisecond), requests, puts, truncated)
}
