// Package bench measures what the provider costs at scale: API requests by
// method and path shape, wall time and the provider's peak memory for apply,
// a no-change plan, a certificate rotation and destroy of N hostname
// bindings, against the emulator with a realistic per-request latency and
// Cloudflare's rate limit enforced; and the same N with terraform_data
// resources as the floor that Terraform itself costs. The realistic runs
// (realistic.go) apply the scale-hostname-bindings example with every status
// transition taking minutes' worth of delay and judge how many delays each
// phase waits through. `make bench` runs both (internal/cmd/bench); CI-sized
// runs check the request budget and the delays an apply waits through in
// `make test`.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
)

// Phase names, in the order they run.
const (
	PhaseApply   = "apply"
	PhasePlan    = "plan"
	PhaseRotate  = "rotate"
	PhaseDestroy = "destroy"
	// PhaseRotateNoRefresh rotates every certificate again with
	// -refresh=false, as the scaling guide advises for hundreds of
	// hostnames (realistic runs only).
	PhaseRotateNoRefresh = "rotate-no-refresh"
)

// AllPhases is a full run.
var AllPhases = []string{PhaseApply, PhasePlan, PhaseRotate, PhaseDestroy}

// RealisticPhases is a full realistic run.
var RealisticPhases = []string{PhaseApply, PhasePlan, PhaseRotate, PhaseRotateNoRefresh, PhaseDestroy}

// Request shapes the budget is about, as emulator.Server.Counts names them.
const (
	aop             = "/zones/{zone_id}/origin_tls_client_auth"
	ShapeBindingGet = "GET " + aop + "/hostnames/{hostname}"
	ShapeBindingPut = "PUT " + aop + "/hostnames"
	ShapeHostCerts  = "GET " + aop + "/hostnames/certificates"
	ShapeHostCert   = "GET " + aop + "/hostnames/certificates/{certificate_id}"
	ShapeZoneCerts  = "GET " + aop
	ShapeZoneCert   = "GET " + aop + "/{certificate_id}"
	ShapeCA         = "GET " + emulator.CAPath
)

// Options configure a Bench.
type Options struct {
	RepoRoot string // where main.go is
	WorkDir  string // scratch space: provider build, workspaces
	// Latency is added to every API request by the emulator (default 50ms).
	Latency time.Duration
	// Delay is the emulator's status transition delay (default 2s).
	Delay time.Duration
	// RateLimit is enforced by the emulator; zero means Cloudflare's
	// 1,200 requests per 300 s with a 300 s lock-out.
	RateLimit emulator.RateLimit
	Terraform string
	Say       func(format string, args ...any)
}

// Bench is one provider build and one emulator, for several runs.
type Bench struct {
	opts Options
	lab  *originlab.Lab
	seq  int
}

// New builds the provider and starts the emulator.
func New(ctx context.Context, o Options) (*Bench, error) {
	if o.Latency == 0 {
		o.Latency = 50 * time.Millisecond
	}
	if o.RateLimit.Limit == 0 {
		o.RateLimit = emulator.RateLimit{Limit: emulator.CloudflareRateLimit,
			Window: emulator.CloudflareRateWindow, Lockout: emulator.CloudflareRateLockout}
	}
	if o.Say == nil {
		o.Say = func(string, ...any) {}
	}
	root, err := filepath.Abs(o.WorkDir)
	if err != nil {
		return nil, err
	}
	o.WorkDir = root
	// No Polls: the request budget is stated for the poll schedule users get,
	// and the benchmark measures the provider as released.
	lab, err := originlab.New(ctx, originlab.Options{RepoRoot: o.RepoRoot, WorkDir: root, Delay: o.Delay, Terraform: o.Terraform})
	if err != nil {
		return nil, err
	}
	lab.Emu.SetLatency(o.Latency)
	if err := lab.Emu.SetRateLimit(o.RateLimit); err != nil {
		_ = lab.Close()
		return nil, err
	}
	return &Bench{opts: o, lab: lab}, nil
}

// Close stops the emulator.
func (b *Bench) Close() error { return b.lab.Close() }

// Terraform is the CLI the bench runs.
func (b *Bench) Terraform() string { return b.lab.Terraform }

// Options returns the effective options.
func (b *Bench) Options() Options { return b.opts }

// RunSpec is one run: N bindings through the given phases.
type RunSpec struct {
	N int
	// Parallelism is terraform's -parallelism; 0 is Terraform's default (10).
	Parallelism int
	// NoReset keeps the emulator's rate limit window across phases; by
	// default each phase starts with a fresh window.
	NoReset bool
	// Phases to run, in order; empty means AllPhases.
	Phases []string
	// Floor runs the same phases with terraform_data as well.
	Floor bool
}

// Label names the run in reports.
func (s RunSpec) Label() string {
	l := fmt.Sprintf("N=%d", s.N)
	if s.Parallelism > 0 {
		l += fmt.Sprintf(", -parallelism=%d", s.Parallelism)
	}
	if s.NoReset {
		l += ", no window resets"
	}
	return l
}

// Measurement is what one phase cost.
type Measurement struct {
	Phase string
	// Requests counts API requests (and CA downloads) by "METHOD /path/shape".
	Requests map[string]int
	Wall     time.Duration
	// FloorWall is the same phase with terraform_data; zero when not run.
	FloorWall time.Duration
	// PeakKiB is the highest VmHWM of the provider processes of the phase.
	PeakKiB int64
	// Processes is how many provider processes Terraform started.
	Processes int
	// ProviderCPU is the CPU time of those processes (sampled every 20 ms).
	ProviderCPU time.Duration
	// TerraformCPU is the CPU time of terraform and the provider together.
	TerraformCPU time.Duration
	// RateLimited counts 429 answers of the emulator's rate limiter.
	RateLimited int
	// WindowUsed is the busiest rate limit window's count at the end of the phase.
	WindowUsed int
	// PeakWindow is the most requests in one rate limit window: within the
	// phase, or for a run without resets since the run started.
	PeakWindow int
}

// APIRequests is the number of requests under /client/v4 (the CA download
// is not an API request and not rate limited).
func (m Measurement) APIRequests() int {
	n := 0
	for k, v := range m.Requests {
		if k != ShapeCA {
			n += v
		}
	}
	return n
}

// Result is one run's measurements.
type Result struct {
	Spec         RunSpec
	Certificates int
	Latency      time.Duration
	Delay        time.Duration
	Phases       []Measurement
}

// Phase returns the measurement of a phase, if it ran.
func (r Result) Phase(name string) (Measurement, bool) {
	for _, m := range r.Phases {
		if m.Phase == name {
			return m, true
		}
	}
	return Measurement{}, false
}

// Run performs one run on a clean zone.
func (b *Bench) Run(ctx context.Context, spec RunSpec) (Result, error) {
	if len(spec.Phases) == 0 {
		spec.Phases = AllPhases
	}
	k := certificateCount(spec.N)
	res := Result{Spec: spec, Certificates: k, Latency: b.opts.Latency, Delay: b.opts.Delay}
	b.seq++
	dir := filepath.Join(b.opts.WorkDir, fmt.Sprintf("run%02d-n%d", b.seq, spec.N))
	b.lab.Emu.Reset()
	b.lab.Emu.ResetRateLimit()

	ws, err := b.lab.Workspace(filepath.Join(dir, "provider"), map[string]string{"main.tf": providerConfig})
	if err != nil {
		return res, err
	}
	var floor *originlab.Workspace
	if spec.Floor {
		if floor, err = b.lab.Workspace(filepath.Join(dir, "floor"), map[string]string{"main.tf": floorConfig}); err != nil {
			return res, err
		}
	}
	for _, w := range []*originlab.Workspace{ws, floor} {
		if w == nil {
			continue
		}
		if out, err := w.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
			return res, fmt.Errorf("terraform init: %w\n%s", err, out)
		}
	}
	v1 := variables(b.lab.ZoneID, spec.N, k, 1)
	if err := writeVars(ws, floor, v1); err != nil {
		return res, err
	}
	b.opts.Say("%s: %d hostname bindings over %d hostname certificates, latency %s, status delay %s",
		spec.Label(), spec.N, k, b.opts.Latency, b.opts.Delay)
	for _, phase := range spec.Phases {
		if phase == PhaseRotate {
			if err := writeVars(ws, floor, variables(b.lab.ZoneID, spec.N, k, 2)); err != nil {
				return res, err
			}
		}
		m, err := b.measure(ctx, ws, floor, spec, phase)
		if err != nil {
			return res, err
		}
		b.opts.Say("  %-8s %5d API requests  %8s  (floor %s)  provider: %d processes, peak %s, CPU %s; terraform+provider CPU %s; 429s: %d",
			phase, m.APIRequests(), m.Wall.Round(10*time.Millisecond), m.FloorWall.Round(10*time.Millisecond), m.Processes,
			formatKiB(m.PeakKiB), m.ProviderCPU, m.TerraformCPU.Round(10*time.Millisecond), m.RateLimited)
		res.Phases = append(res.Phases, m)
	}
	return res, nil
}

// PlanRepeats is how often the no-change plan (which changes nothing) is
// run; its wall times are the medians, which a busy machine disturbs less.
const PlanRepeats = 5

// measure runs one phase, and the floor's, and for the plan repeats both.
func (b *Bench) measure(ctx context.Context, ws, floor *originlab.Workspace, spec RunSpec, phase string) (Measurement, error) {
	repeats := 1
	if phase == PhasePlan && spec.Floor && !spec.NoReset {
		repeats = PlanRepeats // only timings compared with the floor need it
	}
	var first Measurement
	var walls, floors []time.Duration
	for i := range repeats {
		m, err := b.phase(ctx, ws, spec, phase)
		if err != nil {
			return m, err
		}
		if i == 0 {
			first = m
		} else {
			if m.APIRequests() != first.APIRequests() {
				return m, fmt.Errorf("%s: plan %d made %d API requests, plan 1 made %d", spec.Label(), i+1, m.APIRequests(), first.APIRequests())
			}
			first.PeakKiB = max(first.PeakKiB, m.PeakKiB)
			first.PeakWindow = max(first.PeakWindow, m.PeakWindow)
			first.RateLimited += m.RateLimited
		}
		walls = append(walls, m.Wall)
		if floor != nil {
			fm, err := b.floorPhase(ctx, floor, spec, phase)
			if err != nil {
				return m, fmt.Errorf("floor: %w", err)
			}
			floors = append(floors, fm)
		}
	}
	first.Wall = median(walls)
	first.FloorWall = median(floors)
	return first, nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// args are the terraform arguments of a phase.
func args(spec RunSpec, phase string) []string {
	var a []string
	switch phase {
	case PhaseApply, PhaseRotate:
		a = []string{"apply", "-auto-approve"}
	case PhaseRotateNoRefresh:
		a = []string{"apply", "-auto-approve", "-refresh=false"}
	case PhasePlan:
		a = []string{"plan", "-detailed-exitcode"}
	case PhaseDestroy:
		a = []string{"destroy", "-auto-approve"}
	}
	a = append(a, "-input=false", "-no-color", "-var-file="+varFile)
	if spec.Parallelism > 0 {
		a = append(a, fmt.Sprintf("-parallelism=%d", spec.Parallelism))
	}
	return a
}

func (b *Bench) phase(ctx context.Context, ws *originlab.Workspace, spec RunSpec, phase string) (Measurement, error) {
	emu := b.lab.Emu
	if !spec.NoReset {
		emu.ResetRateLimit()
	}
	emu.ResetCounts()
	rejected := emu.RateLimitStatus().Rejected
	watch := watchMemory(b.opts.WorkDir)
	cpu0 := childrenCPU()
	start := time.Now()
	out, err := ws.Run(ctx, args(spec, phase)...)
	wall := time.Since(start)
	tfCPU := childrenCPU() - cpu0
	peak, procs, provCPU := watch.Stop()
	if err != nil {
		return Measurement{}, fmt.Errorf("%s, %s: %w", spec.Label(), phase, err)
	}
	if phase == PhasePlan && !strings.Contains(out, "No changes.") {
		return Measurement{}, fmt.Errorf("%s: the plan after apply is not empty:\n%s", spec.Label(), out)
	}
	st := emu.RateLimitStatus()
	return Measurement{
		Phase: phase, Requests: emu.Counts(), Wall: wall, PeakKiB: peak, Processes: procs, ProviderCPU: provCPU, TerraformCPU: tfCPU,
		RateLimited: st.Rejected - rejected, WindowUsed: st.Used, PeakWindow: st.Peak,
	}, nil
}

// childrenCPU is the CPU time of the finished child processes (terraform and,
// through it, the provider).
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (b *Bench) floorPhase(ctx context.Context, ws *originlab.Workspace, spec RunSpec, phase string) (time.Duration, error) {
	start := time.Now()
	out, err := ws.Run(ctx, args(spec, phase)...)
	wall := time.Since(start)
	if err != nil {
		return 0, err
	}
	if phase == PhasePlan && !strings.Contains(out, "No changes.") {
		return 0, fmt.Errorf("the terraform_data plan after apply is not empty:\n%s", out)
	}
	return wall, nil
}

const varFile = "bench.tfvars.json"

func writeVars(ws, floor *originlab.Workspace, vars map[string]any) error {
	data, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	for _, w := range []*originlab.Workspace{ws, floor} {
		if w == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(w.Dir, varFile), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// TerraformVersion asks the CLI for its version.
func TerraformVersion(ctx context.Context, terraform string) (string, error) {
	out, err := exec.CommandContext(ctx, terraform, "version", "-json").Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return "", fmt.Errorf("terraform version: %w: %s", err, exitErr.Stderr)
		}
		return "", fmt.Errorf("terraform version: %w", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	return v.Version, nil
}

// sortedShapes lists the request shapes seen in any phase.
func sortedShapes(phases []phaseRequests) []string {
	seen := map[string]bool{}
	for _, m := range phases {
		for k := range m.requests {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := strings.SplitN(out[i], " ", 2), strings.SplitN(out[j], " ", 2)
		if pi[1] != pj[1] {
			return pi[1] < pj[1]
		}
		return pi[0] < pj[0]
	})
	return out
}

func formatKiB(kib int64) string {
	if kib == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}
