package bench

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

func TestRealisticChecks(t *testing.T) {
	const d = 30 * time.Second
	onBudget := RealisticResult{Spec: RealisticSpec{N: 100, Certificates: 4, Delay: d}, Phases: []RealisticPhase{
		{Phase: PhaseApply, Wall: 2*d + 30*time.Second},
		{Phase: PhasePlan, Requests: map[string]int{ShapeBindingGet: 100, ShapeHostCerts: 1, ShapeZoneCerts: 1, ShapeCA: 1}},
		{Phase: PhaseRotate, Wall: 3*d + 29*time.Second},
		{Phase: PhaseRotateNoRefresh, Wall: 3*d + 30*time.Second, Requests: map[string]int{ShapeBindingGet: 1200}},
		{Phase: PhaseDestroy, Wall: 2 * d},
	}}
	for _, c := range RealisticChecks(onBudget) {
		if !c.OK {
			t.Errorf("on budget, yet %s: %s over %s", c.Name, c.Measured, c.Limit)
		}
	}

	over := onBudget
	over.Phases = []RealisticPhase{
		{Phase: PhaseApply, Wall: 2*d + 31*time.Second, NotActive: 3},
		{Phase: PhasePlan, Requests: map[string]int{ShapeBindingGet: 101, ShapeBindingPut: 1, ShapeHostCerts: 2}},
		{Phase: PhaseRotate, Wall: 3 * d, Gap: time.Second, GapHostnames: 1},
		{Phase: PhaseRotateNoRefresh, Wall: 3 * d, NotActive: 1},
		{Phase: PhaseDestroy, Wall: 2*d + 31*time.Second, Left: 1, RateLimited: 1},
	}
	var failed []string
	for _, c := range RealisticChecks(over) {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	want := []string{"apply: wall time", "apply: associations not active at return", "no-change plan: binding reads",
		"no-change plan: certificate lists", "rotate: time without an active certificate",
		"rotate-no-refresh: associations not active at return", "destroy: wall time",
		"destroy: left in the emulator", "429 responses, all phases"}
	if !slices.Equal(failed, want) {
		t.Errorf("over budget: got %q\nwant %q", failed, want)
	}

	// A rotation at N = 500 that needs two rate-limit windows may wait for
	// the second; an apply may not, and needing a second window fails it,
	// as it fails a rotation without refresh, which the guide advises
	// because it fits in one.
	twoWindows := RealisticResult{Spec: RealisticSpec{N: 500, Certificates: 5, Delay: d}, Phases: []RealisticPhase{
		{Phase: PhaseApply, Wall: 2 * d, Requests: map[string]int{ShapeBindingGet: 1201}},
		{Phase: PhaseRotate, Wall: 3*d + 60*time.Second + emulator.CloudflareRateWindow, Requests: map[string]int{ShapeBindingGet: 1435}},
		{Phase: PhaseRotateNoRefresh, Wall: 3 * d, Requests: map[string]int{ShapeBindingGet: 1201}},
	}}
	failed = nil
	for _, c := range RealisticChecks(twoWindows) {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	if want := []string{"apply: API requests", "rotate-no-refresh: API requests"}; !slices.Equal(failed, want) {
		t.Errorf("two windows: got %q, want %q", failed, want)
	}

	// At N = 500 the apply may take a minute beyond its two delays.
	large := RealisticResult{Spec: RealisticSpec{N: 500, Certificates: 5, Delay: d},
		Phases: []RealisticPhase{{Phase: PhaseApply, Wall: 2*d + 60*time.Second}}}
	for _, c := range RealisticChecks(large) {
		if !c.OK {
			t.Errorf("N=500: %s: %s over %s", c.Name, c.Measured, c.Limit)
		}
	}
}

func TestRealisticResult_DelaysWaited(t *testing.T) {
	apply := []RealisticPhase{{Phase: PhaseApply, Wall: 16 * time.Second}}
	plain := RealisticResult{Spec: RealisticSpec{Delay: 4 * time.Second}, Phases: apply}
	if got := plain.DelaysWaited(PhaseApply); got != 4 {
		t.Errorf("without a baseline: %v, want 4", got)
	}
	// 16 s at D = 6 s against 8 s at D = 2 s: two delays one after the other.
	r := RealisticResult{Spec: RealisticSpec{Delay: 6 * time.Second, Baseline: true, BaselineDelay: 2 * time.Second},
		BaselineApply: 8 * time.Second, Phases: apply}
	if got := r.DelaysWaited(PhaseApply); got != 2 {
		t.Errorf("with a baseline: %v, want 2", got)
	}
	if got := r.DelaysWaited(PhaseDestroy); got != 0 {
		t.Errorf("a phase that did not run: %v", got)
	}
	bad := RealisticSpec{N: 10, Certificates: 1, Delay: time.Second, Baseline: true, BaselineDelay: time.Second}
	if err := bad.Validate(); err == nil {
		t.Error("a baseline delay as long as the delay was accepted")
	}
}

func TestUpdateSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("# Bench\n\nintro\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"first", "second"} {
		if err := UpdateSection(path, RealisticBegin, RealisticEnd, body); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := os.ReadFile(path)
	want := "# Bench\n\nintro\n\n" + RealisticBegin + "\nsecond\n" + RealisticEnd + "\n"
	if string(raw) != want {
		t.Errorf("got %q\nwant %q", raw, want)
	}
	if err := os.WriteFile(path, []byte(RealisticEnd+"\n"+RealisticBegin+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateSection(path, RealisticBegin, RealisticEnd, "x"); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("markers out of order: %v", err)
	}
}

func TestRealisticReport(t *testing.T) {
	r := RealisticResult{Spec: RealisticSpec{N: 2, Certificates: 1, Delay: 10 * time.Second}, Latency: 50 * time.Millisecond,
		Phases: []RealisticPhase{{Phase: PhaseApply, Wall: 25 * time.Second, Requests: map[string]int{ShapeBindingPut: 1, ShapeBindingGet: 4}}}}
	got := RealisticReport([]RealisticResult{r}, Machine{CPUs: 2}, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	for _, want := range []string{
		"Measured 2026-12-03",
		"| N=2 over 1 certificates, D=10s | apply | 25.00 s | 2.50 | 5 | 0 | 0 | 0.00 s | 0 |",
		"| `PUT …/hostnames` | 1 |",
		"| `GET …/hostnames/{hostname}` | 4 |",
		"| N=2 over 1 certificates, D=10s | apply: wall time | ≤ 2 × D + 30.00 s = 50.00 s | 25.00 s (2.50 × D) | ok |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
