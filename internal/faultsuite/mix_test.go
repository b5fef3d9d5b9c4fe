package faultsuite

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// suiteShape is 50 resources over four zones: per zone 3 zone certificates,
// 4 hostname certificates, 3 bindings (5 in the first zone) and both switches.
var suiteShape = Shape{ZoneCerts: 3, HostnameCerts: 4, Bindings: 3, Switches: true}

// mixResult is what one fault mix measured.
type mixResult struct {
	mix                                string
	applies                            int
	injected                           map[string]int
	requests                           int
	orphans, duplicates, disagreements int
	nonEmptyPlans                      int
	leftAfterDestroy                   int
	firstApplyErrors                   []string
	duration                           time.Duration
}

// The 50-resource configuration is applied under each fault mix. It must
// converge in one apply, or in two when the mix fails one upload for good,
// with no orphaned or duplicated certificate, a state that agrees with
// Cloudflare and an empty plan; then destroy, under the same faults, must
// leave nothing behind in one run.
func TestFaultSuite_mixes(t *testing.T) {
	t.Parallel()
	mixes := Mixes()
	results := make([]mixResult, len(mixes)) // by mix, filled in by the parallel subtests
	t.Cleanup(func() { t.Log(mixTable(results)) })
	for i, mix := range mixes {
		t.Run(mix.Name, func(t *testing.T) {
			// Each mix has its own emulator, so the mixes run side by side.
			t.Parallel()
			start := time.Now()
			lab := newLab(t, 200*time.Millisecond)
			zones := zoneIDs(lab, Zones...)
			fx, err := NewFixture(zones, suiteShape)
			if err != nil {
				t.Fatal(err)
			}
			// Two more bindings in the first zone share its last certificate.
			bindings := fx.Vars["bindings"].(map[string]any)
			for _, b := range []string{"z0-b3", "z0-b4"} {
				bindings[b] = map[string]string{"zone": zones[Zones[0]], "hostname": strings.TrimPrefix(b, "z0-") + "." + Zones[0], "cert": "z0-hc3"}
			}
			fx.Count += 2
			if fx.Count != 50 {
				t.Fatalf("the configuration has %d resources, want 50", fx.Count)
			}
			ws := newWorkspace(t, lab, filepath.Join(t.TempDir(), "ws"), fx)
			res := mixResult{mix: mix.Name}

			faults, wantApplies := mix.Faults, 1
			if mix.FailOneUpload {
				// A line of one certificate's PEM picks its upload among the
				// concurrent ones to the same path; it fails every try, and
				// the re-apply's upload, a fourth identical request, passes
				// the transient faults (MaxInARow).
				once := emulator.Fault{Method: http.MethodPost, BodyContains: uniqueLine(fx.Certs, "z3-hc2"), Status: 503, Times: uploadAttempts}
				faults, wantApplies = append([]emulator.Fault{once}, faults...), 2
			}
			lab.Emu.ResetCounts()
			lab.Emu.SetFaults(emulator.Faults{Seed: uint64(1000 + i), FailNext: faults})
			res.applies, res.firstApplyErrors = ws.converge(wantApplies - 1)
			res.injected = lab.Emu.InjectedFaults()
			lab.Emu.SetFaults(emulator.Faults{})
			if res.applies != wantApplies || len(res.firstApplyErrors) >= res.applies {
				t.Fatalf("%s: want convergence in exactly %d applies, got %d runs and %d failures:\n%s", mix.Name, wantApplies,
					res.applies, len(res.firstApplyErrors), strings.Join(res.firstApplyErrors, "\n---\n"))
			}
			gaveUp := fmt.Sprintf("sent the upload %d times", uploadAttempts)
			if mix.FailOneUpload && !strings.Contains(strings.Join(strings.Fields(res.firstApplyErrors[0]), " "), gaveUp) {
				t.Errorf("%s: the first apply should fail on the upload that never gets through:\n%s", mix.Name, res.firstApplyErrors[0])
			}

			rep := Compare(ws.state(), lab.Emu.Snapshot())
			res.orphans, res.duplicates, res.disagreements = len(rep.Orphans), len(rep.Duplicates), len(rep.Disagreements)
			if rep.InState != fx.Count || res.orphans+res.duplicates+res.disagreements > 0 {
				t.Errorf("%s: after convergence, want %d resources and nothing else: %s", mix.Name, fx.Count, rep)
			}
			if empty, out := ws.planIsEmpty(); !empty {
				res.nonEmptyPlans++
				t.Errorf("%s: the plan after convergence is not empty:\n%s", mix.Name, out)
			}

			lab.Emu.SetFaults(emulator.Faults{Seed: uint64(2000 + i), FailNext: mix.Faults})
			if out, code := ws.destroy(); code != 0 {
				t.Fatalf("%s: destroy failed:\n%s", mix.Name, errorLines(out))
			}
			for k, v := range lab.Emu.InjectedFaults() {
				res.injected[k] += v
			}
			for k, v := range lab.Emu.Counts() {
				if strings.Contains(k, "/zones") {
					res.requests += v // apply, verification and destroy
				}
			}
			lab.Emu.SetFaults(emulator.Faults{})
			left := Clean(lab.Emu.Snapshot())
			res.leftAfterDestroy = len(left)
			if len(left) > 0 {
				t.Errorf("%s: destroy left %v", mix.Name, left)
			}
			res.duration = time.Since(start)
			results[i] = res
		})
	}
}

// uniqueLine returns a base64 line of the certificate under key that no
// other certificate's PEM holds.
func uniqueLine(certs map[string]testcerts.Pair, key string) string {
	for _, l := range strings.Split(certs[key].CertPEM, "\n") {
		if len(l) < 40 || strings.HasPrefix(l, "-----") {
			continue
		}
		shared := false
		for k, p := range certs {
			shared = shared || (k != key && strings.Contains(p.CertPEM, l))
		}
		if !shared {
			return l
		}
	}
	panic("no line of " + key + " is its own")
}

func mixTable(results []mixResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-18s %7s %7s %5s %8s %9s %6s %5s %s\n", "mix", "applies", "orphans", "dups",
		"disagree", "non-empty", "left", "secs", "API requests / faults injected (apply+destroy)")
	for _, r := range results {
		if r.mix == "" {
			continue // failed before it measured anything
		}
		kinds := make([]string, 0, len(r.injected))
		total := 0
		for k, v := range r.injected {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
			total += v
		}
		sort.Strings(kinds)
		fmt.Fprintf(&b, "%-18s %7d %7d %5d %8d %9d %6d %5.0f %d / %d: %s\n", r.mix, r.applies, r.orphans, r.duplicates,
			r.disagreements, r.nonEmptyPlans, r.leftAfterDestroy, r.duration.Seconds(), r.requests, total, strings.Join(kinds, " "))
		for _, e := range r.firstApplyErrors {
			fmt.Fprintf(&b, "    failed apply (re-applied): %s\n", strings.ReplaceAll(e, "\n", " | "))
		}
	}
	return b.String()
}
