package bench

import (
	"fmt"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// The realistic run's budget (issue #14). A certificate must be active before
// associations use it, and associations must be gone before their
// certificate is deleted: two delays in a row are the floor of an apply and
// a destroy, three of a rotation. What is allowed beyond them is a fixed
// slack, not a share of N.
const (
	// RealisticStagesApply, RealisticStagesDestroy and RealisticStagesRotate
	// are the delays each phase cannot avoid.
	RealisticStagesApply   = 2
	RealisticStagesDestroy = 2
	RealisticStagesRotate  = 3
	// RealisticLargeN is the N from which a phase gets the larger slack
	// (the issue states it for the apply; rotation and destroy get the same).
	RealisticLargeN = 500
)

// realisticSlack is the time a phase may take beyond its delays.
func realisticSlack(n int) time.Duration {
	if n >= RealisticLargeN {
		return 60 * time.Second
	}
	return 30 * time.Second
}

// RealisticChecks evaluates the budget on one realistic run. Lines whose
// phase did not run are left out.
func RealisticChecks(r RealisticResult) []Check {
	var out []Check
	add := func(name, limit, measured string, ok bool) {
		out = append(out, Check{Name: name, Limit: limit, Measured: measured, OK: ok})
	}
	n, d := r.Spec.N, r.Spec.Delay
	timed := func(phase string, stages int) {
		m, ok := r.Phase(phase)
		if !ok {
			return
		}
		slack := realisticSlack(n)
		limit := time.Duration(stages)*d + slack
		text := fmt.Sprintf("≤ %d × D + %s = %s", stages, seconds(slack), seconds(limit))
		if windows := extraWindows(phase, n, m.APIRequests()); windows > 0 {
			limit += time.Duration(windows) * emulator.CloudflareRateWindow
			text = fmt.Sprintf("≤ %d × D + %s + %d × %s (%d requests need %d rate-limit windows) = %s", stages, seconds(slack),
				windows, emulator.CloudflareRateWindow, m.APIRequests(), windows+1, seconds(limit))
		}
		add(phase+": wall time", text, fmt.Sprintf("%s (%.2f × D)", seconds(m.Wall), m.Wall.Seconds()/d.Seconds()), m.Wall <= limit)
	}
	timed(PhaseApply, RealisticStagesApply)
	if m, ok := r.Phase(PhaseApply); ok {
		add("apply: associations not active at return", "0", fmt.Sprintf("%d of %d", m.NotActive, n), m.NotActive == 0)
		add("apply: API requests", fmt.Sprintf("≤ %d (one rate-limit window)", emulator.CloudflareRateLimit),
			fmt.Sprintf("%d", m.APIRequests()), m.APIRequests() <= emulator.CloudflareRateLimit)
	}
	if m, ok := r.Phase(PhasePlan); ok {
		q := m.Requests
		add("no-change plan: binding reads", fmt.Sprintf("≤ %d GET (one per binding), 0 PUT", n),
			fmt.Sprintf("%d GET, %d PUT", q[ShapeBindingGet], q[ShapeBindingPut]), q[ShapeBindingGet] <= n && q[ShapeBindingPut] == 0)
		add("no-change plan: certificate lists", "≤ 1 per kind",
			fmt.Sprintf("%d hostname, %d zone", q[ShapeHostCerts], q[ShapeZoneCerts]), q[ShapeHostCerts] <= 1 && q[ShapeZoneCerts] <= 1)
	}
	for _, phase := range []string{PhaseRotate, PhaseRotateNoRefresh} {
		timed(phase, RealisticStagesRotate)
		m, ok := r.Phase(phase)
		if !ok {
			continue
		}
		add(phase+": time without an active certificate", "0 s for every hostname",
			fmt.Sprintf("%s over %d hostnames", seconds(m.Gap), m.GapHostnames), m.Gap == 0 && m.GapHostnames == 0)
		add(phase+": associations not active at return", "0", fmt.Sprintf("%d of %d", m.NotActive, n), m.NotActive == 0)
		if phase == PhaseRotateNoRefresh {
			// The scaling guide's advice for a large rotation: without the
			// refresh it must fit in one window.
			add(phase+": API requests", fmt.Sprintf("≤ %d (one rate-limit window)", emulator.CloudflareRateLimit),
				fmt.Sprintf("%d", m.APIRequests()), m.APIRequests() <= emulator.CloudflareRateLimit)
		}
	}
	timed(PhaseDestroy, RealisticStagesDestroy)
	if m, ok := r.Phase(PhaseDestroy); ok {
		add("destroy: left in the emulator", "0 associations, 0 certificates not deleted", fmt.Sprintf("%d", m.Left), m.Left == 0)
	}
	var limited int
	for _, m := range r.Phases {
		limited += m.RateLimited
	}
	add("429 responses, all phases", "0", fmt.Sprintf("%d", limited), limited == 0)
	return out
}

// extraWindows is how many more rate-limit windows than one a large
// rotation's requests need: its refresh reads every hostname, and its
// deployment wait reads every hostname again, so at N = 500 it needs more
// than Cloudflare's 1,200 requests per window, and the client's pacing
// waits for the next window instead of meeting 429s. That wait is a floor,
// not slowness. Apply and destroy get no such allowance: they fit in one
// window, and needing more would be a regression.
func extraWindows(phase string, n, requests int) int {
	if phase != PhaseRotate || n < RealisticLargeN || requests <= emulator.CloudflareRateLimit {
		return 0
	}
	return (requests - 1) / emulator.CloudflareRateLimit
}
