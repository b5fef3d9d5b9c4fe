package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// maxApplyDelays is how many deployment delays the CI-sized realistic apply
// may wait through, beyond what the same apply costs with no delay: two
// stages (certificates, then associations) plus polling overshoot. Waiting
// per binding instead would take 1 + N/parallelism of them.
const maxApplyDelays = 3.5

// The CI-sized realistic run: the scale-hostname-bindings example, N = 40
// over 2 certificates at default parallelism, with every status transition
// taking 2 s. It fails when an apply waits through more deployment delays
// than its stages need, or returns before every association is active.
func TestAccBench_realisticDelays(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs Terraform: set TF_ACC=1 (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(ctx, Options{RepoRoot: root, WorkDir: t.TempDir(), Latency: 5 * time.Millisecond,
		Terraform: os.Getenv("TF_ACC_TERRAFORM_PATH"), Say: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	spec := RealisticSpec{N: 40, Certificates: 2, Delay: 2 * time.Second, Baseline: true, Phases: []string{PhaseApply, PhasePlan}}
	r, err := b.RunRealistic(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if waited := r.DelaysWaited(PhaseApply); waited >= maxApplyDelays {
		apply, _ := r.Phase(PhaseApply)
		t.Errorf("the apply waited through %.2f deployment delays of %s (%s, %s without delays), want < %.1f: waiting adds up per resource again",
			waited, spec.Delay, seconds(apply.Wall), seconds(r.BaselineApply), maxApplyDelays)
	}
	for _, c := range RealisticChecks(r) {
		if c.Name == "apply: wall time" {
			continue // stated for D = 30 s; the line above judges this run
		}
		if !c.OK {
			t.Errorf("%s is %s, budget %s", c.Name, c.Measured, c.Limit)
		}
	}
}
