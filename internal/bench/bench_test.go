package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The CI-sized run of the benchmark: N = 10 and 100 bindings applied and
// planned against the emulator with Cloudflare's rate limit enforced. It
// fails when a request count is over the provider's budget. The latency is
// small to keep it quick; the status delay is the 2 s the poll budget is
// stated for.
func TestAccBench_requestBudget(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs Terraform: set TF_ACC=1 (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(ctx, Options{RepoRoot: root, WorkDir: t.TempDir(), Latency: 5 * time.Millisecond, Delay: 2 * time.Second,
		Terraform: os.Getenv("TF_ACC_TERRAFORM_PATH"), Say: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	for _, n := range []int{10, 100} {
		r, err := b.Run(ctx, RunSpec{N: n, Phases: []string{PhaseApply, PhasePlan}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range Checks(r) {
			if !c.OK {
				t.Errorf("N=%d: %s is %s, budget %s", n, c.Name, c.Measured, c.Limit)
				continue
			}
			t.Logf("N=%d: %s: %s (budget %s)", n, c.Name, c.Measured, c.Limit)
		}
	}
}
