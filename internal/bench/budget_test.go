package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestChecks(t *testing.T) {
	r := Result{Spec: RunSpec{N: 500}, Certificates: 5, Latency: 50 * time.Millisecond, Delay: 2 * time.Second,
		Phases: []Measurement{
			{Phase: PhaseApply, Requests: map[string]int{ShapeBindingPut: 50, ShapeBindingGet: 500, ShapeHostCert: 5}},
			{Phase: PhasePlan, Wall: 3 * time.Second, FloorWall: 500 * time.Millisecond,
				Requests: map[string]int{ShapeHostCerts: 1, ShapeZoneCerts: 1, ShapeBindingGet: 500, ShapeCA: 1}},
		}}
	for _, c := range Checks(r) {
		if !c.OK {
			t.Errorf("%s: %s over %s", c.Name, c.Measured, c.Limit)
		}
	}
	// unavoidable round trips: 502 requests × 50 ms / 10 = 2.51 s
	if got := roundTrips(r, r.Phases[1]); got != 2510*time.Millisecond {
		t.Errorf("round trips %s", got)
	}

	over := r
	over.Phases = []Measurement{
		{Phase: PhaseApply, Requests: map[string]int{ShapeBindingPut: 101, ShapeBindingGet: 2001, ShapeHostCert: 21}, RateLimited: 1},
		{Phase: PhasePlan, Wall: 5 * time.Second, FloorWall: 500 * time.Millisecond,
			Requests: map[string]int{ShapeHostCerts: 2, ShapeHostCert: 1, ShapeZoneCerts: 1, ShapeBindingGet: 499}},
	}
	var failed []string
	for _, c := range Checks(over) {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	want := []string{"refresh: hostname certificate reads", "refresh: binding reads", "no-change plan wall time",
		"apply: binding PUTs", "apply: status polls per binding", "apply: status polls per hostname certificate", "429 responses, all phases"}
	if strings.Join(failed, "|") != strings.Join(want, "|") {
		t.Errorf("failed checks\n got %q\nwant %q", failed, want)
	}
}

func TestCertificateCount(t *testing.T) {
	for n, want := range map[int]int{1: 1, 10: 1, 20: 1, 21: 2, 100: 5, 500: 5} {
		if got := certificateCount(n); got != want {
			t.Errorf("certificateCount(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestUpdateReadme(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	orig := "# x\n\n## Performance\n\n" + ReadmeBegin + "\nold\n" + ReadmeEnd + "\n\n## Next\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateReadme(path, "| new |\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "# x\n\n## Performance\n\n" + ReadmeBegin + "\n| new |\n" + ReadmeEnd + "\n\n## Next\n"; string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if err := os.WriteFile(path, []byte("# no markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateReadme(path, "x"); err == nil {
		t.Fatal("no error without markers")
	}
}
