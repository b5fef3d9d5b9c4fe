package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// maxApplyDelays is how many deployment delays the CI-sized realistic apply
// may wait through one after the other: two stages (certificates, then
// associations) plus polling overshoot. Waiting per binding instead takes
// 1 + N/parallelism of them.
const maxApplyDelays = 3.5

// The CI-sized realistic run: the scale-hostname-bindings example, N = 40
// over 2 certificates at default parallelism, applied with every status
// transition taking 2 s and then 6 s: the difference, divided by 4 s, is the
// number of delays the apply waited through one after the other. It fails
// when that exceeds what the stages need, or when an apply returns before
// every association is active.
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
	spec := RealisticSpec{N: 40, Certificates: 2, Delay: 6 * time.Second, Baseline: true, BaselineDelay: 2 * time.Second, Phases: []string{PhaseApply, PhasePlan}}
	r, err := b.RunRealistic(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	waited := r.DelaysWaited(PhaseApply)
	t.Logf("the apply waited through %.2f deployment delays one after the other (limit %.1f)", waited, maxApplyDelays)
	if waited >= maxApplyDelays {
		apply, _ := r.Phase(PhaseApply)
		t.Errorf("the apply waited through %.2f deployment delays (%s at D = %s, %s at D = %s), want < %.1f: waiting adds up per resource again",
			waited, seconds(apply.Wall), spec.Delay, seconds(r.BaselineApply), spec.BaselineDelay, maxApplyDelays)
	}
	// The apply's wall time budget is stated for D = 30 s; the delays waited
	// above judge this run. The rest holds at any D: every association active
	// when apply returns, one read per hostname and one list per certificate
	// kind in the no-change plan (whose emptiness RunRealistic checks), no 429.
	for _, c := range RealisticChecks(r) {
		if c.Name != "apply: wall time" && !c.OK {
			t.Errorf("%s is %s, budget %s", c.Name, c.Measured, c.Limit)
		}
	}
}
