package bench

import (
	"fmt"
	"time"
)

// The provider's API budget (issue #6). Each check is a benchmark figure
// measured from request counts, not a timed unit test.
const (
	// MaxPollsPerResource bounds the status polls of a resource that becomes
	// active after 2 seconds (the emulator's default delay).
	MaxPollsPerResource = 4
	// BindingsPerPut is the least number of bindings one PUT must carry on
	// average at Terraform's default parallelism.
	BindingsPerPut = 5
	// PlanSlack is how much slower than the terraform_data floor a no-change
	// plan may be, beyond its unavoidable API round trips.
	PlanSlack = 2.0
	// PlanTimeN is the smallest N the plan time budget is judged at: below
	// it, starting the provider process outweighs everything else.
	PlanTimeN = 500
	// defaultParallelism is Terraform's -parallelism default.
	defaultParallelism = 10
)

// Check is one budget line with its measured figure.
type Check struct {
	Name     string
	Limit    string
	Measured string
	OK       bool
}

// Checks evaluates the budget on one run. Lines whose phase did not run
// are left out.
func Checks(r Result) []Check {
	var out []Check
	add := func(name, limit, measured string, ok bool) {
		out = append(out, Check{Name: name, Limit: limit, Measured: measured, OK: ok})
	}
	n, k := r.Spec.N, r.Certificates
	if plan, ok := r.Phase(PhasePlan); ok {
		q := plan.Requests
		add("refresh: hostname certificate reads", "≤ 1 list, 0 single reads",
			fmt.Sprintf("%d list, %d single", q[ShapeHostCerts], q[ShapeHostCert]), q[ShapeHostCerts] <= 1 && q[ShapeHostCert] == 0)
		add("refresh: zone certificate reads", "≤ 1 list, 0 single reads",
			fmt.Sprintf("%d list, %d single", q[ShapeZoneCerts], q[ShapeZoneCert]), q[ShapeZoneCerts] <= 1 && q[ShapeZoneCert] == 0)
		add("refresh: binding reads", fmt.Sprintf("exactly %d GET, 0 PUT", n),
			fmt.Sprintf("%d GET, %d PUT", q[ShapeBindingGet], q[ShapeBindingPut]), q[ShapeBindingGet] == n && q[ShapeBindingPut] == 0)
		if floorOK, limit, measured := planTimeBudget(r, plan); limit != "" {
			if n < PlanTimeN {
				limit += fmt.Sprintf(" (judged for N ≥ %d)", PlanTimeN)
				floorOK = true
			}
			add("no-change plan wall time", limit, measured, floorOK)
		}
	}
	if apply, ok := r.Phase(PhaseApply); ok {
		q := apply.Requests
		parallel := r.Spec.Parallelism
		if parallel == 0 || parallel == defaultParallelism {
			add("apply: binding PUTs", fmt.Sprintf("≤ N/%d = %d", BindingsPerPut, n/BindingsPerPut),
				fmt.Sprintf("%d", q[ShapeBindingPut]), q[ShapeBindingPut] <= n/BindingsPerPut)
		}
		if r.Delay > 0 && r.Delay <= 2*time.Second {
			// Applying from empty state, every binding GET is a status poll.
			add("apply: status polls per binding", fmt.Sprintf("≤ %d", MaxPollsPerResource),
				perResource(q[ShapeBindingGet], n), q[ShapeBindingGet] <= MaxPollsPerResource*n)
			add("apply: status polls per hostname certificate", fmt.Sprintf("≤ %d", MaxPollsPerResource),
				perResource(q[ShapeHostCert], k), q[ShapeHostCert] <= MaxPollsPerResource*k)
		}
	}
	var limited int
	for _, m := range r.Phases {
		limited += m.RateLimited
	}
	add("429 responses, all phases", "0", fmt.Sprintf("%d", limited), limited == 0)
	return out
}

// planTimeBudget: a no-change plan may take PlanSlack times the
// terraform_data floor plus its unavoidable API round trips, which are the
// plan's API requests times the latency divided by the parallelism.
func planTimeBudget(r Result, plan Measurement) (ok bool, limit, measured string) {
	if plan.FloorWall == 0 {
		return false, "", ""
	}
	rt := roundTrips(r, plan)
	budget := time.Duration(PlanSlack*float64(plan.FloorWall)) + rt
	limit = fmt.Sprintf("≤ %.0f × %s + %s = %s", PlanSlack, seconds(plan.FloorWall), seconds(rt), seconds(budget))
	// The stricter of two readings of "within 2x of the floor plus the
	// round trips" is judged; the other, 2 × (floor + round trips), is
	// shown as the ratio to floor + round trips.
	measured = fmt.Sprintf("%s (%.2f × (floor + round trips))", seconds(plan.Wall), plan.Wall.Seconds()/(plan.FloorWall+rt).Seconds())
	return plan.Wall <= budget, limit, measured
}

// roundTrips is requests × latency / parallelism: the time the API round
// trips take at best when Terraform keeps every parallel slot busy.
func roundTrips(r Result, m Measurement) time.Duration {
	p := r.Spec.Parallelism
	if p == 0 {
		p = defaultParallelism
	}
	return time.Duration(int64(m.APIRequests()) * int64(r.Latency) / int64(p))
}

func perResource(total, n int) string {
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f (%d for %d)", float64(total)/float64(n), total, n)
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}
