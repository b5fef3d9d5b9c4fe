package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// RealisticExample is the configuration the realistic run applies: the
// documented pattern for many hostnames, as users get it.
const RealisticExample = "examples/scale-hostname-bindings"

// RealisticSpec is one realistic run: N hostnames bound over a few
// certificates, with every status transition of the emulator (certificate
// deployment and deletion, association deployment and removal) taking Delay,
// as Cloudflare's take minutes rather than the 2 s of the request budget run.
type RealisticSpec struct {
	N, Certificates int
	Delay           time.Duration
	// Parallelism is terraform's -parallelism; 0 is Terraform's default.
	Parallelism int
	// Phases to run, in order; empty means AllPhases.
	Phases []string
	// Example is the configuration's directory; empty means
	// RealisticExample under the repository root. It takes the same
	// variables: zone_id, hostnames, certificates and key_version.
	Example string
	// Baseline first applies and destroys the same configuration with every
	// transition taking BaselineDelay (shorter than Delay), so that the
	// delays an apply waits through can be told from what Terraform and the
	// provider cost anyway, polling included: see DelaysWaited.
	Baseline      bool
	BaselineDelay time.Duration
}

// Label names the run in reports.
func (s RealisticSpec) Label() string {
	l := fmt.Sprintf("N=%d over %d certificates, D=%s", s.N, s.Certificates, s.Delay)
	if s.Parallelism > 0 {
		l += fmt.Sprintf(", -parallelism=%d", s.Parallelism)
	}
	return l
}

// Validate refuses a run that Cloudflare's limits would refuse: at most
// 100 associations per certificate, and 10 certificates per zone while a
// rotation holds the old and the new ones.
func (s RealisticSpec) Validate() error {
	if s.N <= 0 || s.Certificates <= 0 || (s.N+s.Certificates-1)/s.Certificates > maxBindingsPerCert ||
		2*s.Certificates > maxHostnameCertsPerZone {
		return fmt.Errorf("bench: %d hostnames over %d certificates do not fit Cloudflare's limits (%d associations per certificate, %d certificates per zone during a rotation)",
			s.N, s.Certificates, maxBindingsPerCert, maxHostnameCertsPerZone)
	}
	if s.Delay <= 0 {
		return fmt.Errorf("bench: the realistic delay must be positive, got %s", s.Delay)
	}
	if s.Baseline && (s.BaselineDelay < 0 || s.BaselineDelay >= s.Delay) {
		return fmt.Errorf("bench: the baseline delay %s must be at least 0 and shorter than the delay %s", s.BaselineDelay, s.Delay)
	}
	return nil
}

// RealisticPhase is what one phase of a realistic run cost and left behind.
type RealisticPhase struct {
	Phase       string
	Wall        time.Duration
	Requests    map[string]int
	RateLimited int
	// NotActive counts hostnames whose association was not active on an
	// active certificate when apply or the rotation returned.
	NotActive int
	// Left counts associations, and certificates not deleted, that the
	// emulator still held when destroy returned.
	Left int
	// Gap is the time, summed over hostnames, that a hostname went without
	// an active certificate during the rotation; GapHostnames how many did.
	Gap          time.Duration
	GapHostnames int
}

// APIRequests is the number of requests under /client/v4.
func (m RealisticPhase) APIRequests() int {
	return Measurement{Requests: m.Requests}.APIRequests()
}

// RealisticResult is one realistic run's measurements.
type RealisticResult struct {
	Spec    RealisticSpec
	Latency time.Duration
	// BaselineApply is the apply's wall time with every transition taking
	// Spec.BaselineDelay (Spec.Baseline).
	BaselineApply time.Duration
	Phases        []RealisticPhase
}

// Phase returns the measurement of a phase, if it ran.
func (r RealisticResult) Phase(name string) (RealisticPhase, bool) {
	for _, m := range r.Phases {
		if m.Phase == name {
			return m, true
		}
	}
	return RealisticPhase{}, false
}

// DelaysWaited is how many deployment delays a phase waited through, one
// after the other. Without a baseline it is the wall time divided by D;
// with one, how much longer the phase took than the baseline apply divided
// by how much longer each delay was, which leaves out every cost that does
// not grow with the delay.
func (r RealisticResult) DelaysWaited(phase string) float64 {
	m, ok := r.Phase(phase)
	if !ok || r.Spec.Delay <= 0 {
		return 0
	}
	if !r.Spec.Baseline {
		return m.Wall.Seconds() / r.Spec.Delay.Seconds()
	}
	return (m.Wall - r.BaselineApply).Seconds() / (r.Spec.Delay - r.Spec.BaselineDelay).Seconds()
}

// RunRealistic performs one realistic run on a clean zone. The emulator's
// delays are restored afterwards.
func (b *Bench) RunRealistic(ctx context.Context, spec RealisticSpec) (RealisticResult, error) {
	if len(spec.Phases) == 0 {
		spec.Phases = AllPhases
	}
	res := RealisticResult{Spec: spec, Latency: b.opts.Latency}
	if err := spec.Validate(); err != nil {
		return res, err
	}
	example := spec.Example
	if example == "" {
		example = filepath.Join(b.opts.RepoRoot, RealisticExample)
	}
	files, err := readExample(example)
	if err != nil {
		return res, err
	}
	emu := b.lab.Emu
	saved := emu.Delays()
	defer func() { _ = emu.SetDelays(saved) }()
	emu.Reset()
	emu.ResetRateLimit()

	b.seq++
	ws, err := b.lab.Workspace(filepath.Join(b.opts.WorkDir, fmt.Sprintf("realistic%02d-n%d", b.seq, spec.N)), files)
	if err != nil {
		return res, err
	}
	if out, err := ws.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
		return res, fmt.Errorf("terraform init: %w\n%s", err, out)
	}
	if err := writeVars(ws, nil, realisticVariables(b.lab.ZoneID, spec.N, spec.Certificates, 1)); err != nil {
		return res, err
	}
	runSpec := RunSpec{N: spec.N, Parallelism: spec.Parallelism}
	if spec.Baseline {
		if err := emu.SetDelays(emulator.UniformDelays(spec.BaselineDelay)); err != nil {
			return res, err
		}
		start := time.Now()
		if _, err := ws.Run(ctx, args(runSpec, PhaseApply)...); err != nil {
			return res, fmt.Errorf("%s, baseline apply: %w", spec.Label(), err)
		}
		res.BaselineApply = time.Since(start)
		if _, err := ws.Run(ctx, args(runSpec, PhaseDestroy)...); err != nil {
			return res, fmt.Errorf("%s, baseline destroy: %w", spec.Label(), err)
		}
		emu.Reset()
		b.opts.Say("%s: baseline apply with every transition after %s: %s", spec.Label(), spec.BaselineDelay, seconds(res.BaselineApply))
	}
	if err := emu.SetDelays(emulator.UniformDelays(spec.Delay)); err != nil {
		return res, err
	}
	b.opts.Say("%s: latency %s, every status transition after %s", spec.Label(), b.opts.Latency, spec.Delay)
	for _, phase := range spec.Phases {
		if version := rotationVersion(phase); version > 0 {
			if err := writeVars(ws, nil, realisticVariables(b.lab.ZoneID, spec.N, spec.Certificates, version)); err != nil {
				return res, err
			}
		}
		m, err := b.realisticPhase(ctx, ws, runSpec, spec, phase)
		if err != nil {
			return res, err
		}
		b.opts.Say("  %-17s %8s  (%.2f × D)  %5d API requests  not active: %d  left: %d  gap: %s over %d hostnames  429s: %d",
			phase, m.Wall.Round(10*time.Millisecond), m.Wall.Seconds()/spec.Delay.Seconds(), m.APIRequests(), m.NotActive, m.Left,
			m.Gap, m.GapHostnames, m.RateLimited)
		res.Phases = append(res.Phases, m)
	}
	return res, nil
}

func (b *Bench) realisticPhase(ctx context.Context, ws *originlab.Workspace, runSpec RunSpec, spec RealisticSpec, phase string) (RealisticPhase, error) {
	emu := b.lab.Emu
	emu.ResetRateLimit()
	emu.ResetCounts()
	rejected := emu.RateLimitStatus().Rejected
	start := time.Now()
	out, err := ws.Run(ctx, args(runSpec, phase)...)
	m := RealisticPhase{Phase: phase, Wall: time.Since(start)}
	if err != nil {
		return m, fmt.Errorf("%s, %s: %w", spec.Label(), phase, err)
	}
	m.Requests = emu.Counts()
	m.RateLimited = emu.RateLimitStatus().Rejected - rejected
	zone := zoneState(emu.Snapshot(), b.lab.ZoneID)
	switch phase {
	case PhasePlan:
		if !strings.Contains(out, "No changes.") {
			return m, fmt.Errorf("%s: the plan after apply is not empty:\n%s", spec.Label(), out)
		}
	case PhaseApply, PhaseRotate, PhaseRotateNoRefresh:
		m.NotActive = notActive(zone, spec.N)
		if phase != PhaseApply {
			m.Gap, m.GapHostnames = gaps(emu, b.lab.ZoneID, zone)
		}
	case PhaseDestroy:
		m.Left = leftBehind(zone)
	}
	return m, nil
}

// rotationVersion is the key version a rotation phase writes (each
// rotation replaces every certificate), or 0 for other phases.
func rotationVersion(phase string) int {
	switch phase {
	case PhaseRotate:
		return 2
	case PhaseRotateNoRefresh:
		return 3
	}
	return 0
}

// zoneState picks one zone out of a snapshot.
func zoneState(st emulator.State, zoneID string) emulator.ZoneState {
	for _, z := range st.Zones {
		if z.ID == zoneID {
			return z
		}
	}
	return emulator.ZoneState{}
}

// notActive counts the n hostnames less those whose association is active
// and enabled on a certificate that is itself active.
func notActive(z emulator.ZoneState, n int) int {
	activeCert := map[string]bool{}
	for _, c := range z.HostnameCertificates {
		activeCert[c.ID] = c.Status == emulator.StatusActive
	}
	ok := 0
	for _, b := range z.Bindings {
		if b.Status == emulator.StatusActive && b.Enabled != nil && *b.Enabled && activeCert[b.CertID] {
			ok++
		}
	}
	return n - ok
}

// leftBehind counts associations in any state and certificates not deleted.
func leftBehind(z emulator.ZoneState) int {
	left := len(z.Bindings)
	for _, c := range slices.Concat(z.HostnameCertificates, z.ZoneCertificates) {
		if c.Status != emulator.StatusDeleted {
			left++
		}
	}
	return left
}

// gaps sums the emulator's gap record over the zone's hostnames; a gap
// still open counts until now.
func gaps(emu *emulator.Server, zoneID string, z emulator.ZoneState) (time.Duration, int) {
	var total time.Duration
	hostnames := 0
	now := time.Now()
	for _, b := range z.Bindings {
		gs := emu.HostnameGaps(zoneID, b.Hostname)
		if len(gs) > 0 {
			hostnames++
		}
		for _, g := range gs {
			end := g.End
			if end.IsZero() {
				end = now
			}
			total += end.Sub(g.Start)
		}
	}
	return total, hostnames
}

// readExample reads the .tf files of an example directory.
func readExample(dir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("bench: no .tf files in %s", dir)
	}
	files := map[string]string{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(p)] = string(raw)
	}
	return files, nil
}

// realisticVariables are the example's inputs: version 1 before the
// rotation, 2 after it (a new certificate and key for every certificate).
func realisticVariables(zoneID string, n, k, version int) map[string]any {
	hostnames := make([]string, n)
	for i := range hostnames {
		hostnames[i] = fmt.Sprintf("h%04d.bench.example.com", i)
	}
	certs := make([]map[string]string, k)
	for i := range certs {
		p := testcerts.MustLeaf(testcerts.WithCN(fmt.Sprintf("hostname-pull-%d-v%d.example.com", i, version)))
		certs[i] = map[string]string{"certificate": p.CertPEM, "private_key": p.KeyPEM}
	}
	return map[string]any{"zone_id": zoneID, "hostnames": hostnames, "certificates": certs, "key_version": 1}
}
