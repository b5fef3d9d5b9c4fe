package faultsuite

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/httpstate"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
)

// Single-use runs, as HCP Terraform and CI make them: state in a remote
// backend (httpstate, with locking), and every Terraform command from a
// fresh working directory with its own `terraform init`, so that nothing a
// killed run left in its directory (such as the upload journal) helps.

const consentedSummary = "Existing Certificate Adopted"

// singleUse is one remote state and the runs made against it.
type singleUse struct {
	t     *testing.T
	lab   *originlab.Lab
	store *httpstate.Server
	name  string
	fx    Fixture
	runs  int
}

func newSingleUse(t *testing.T, lab *originlab.Lab, fx Fixture, adopt bool) *singleUse {
	t.Helper()
	store, err := httpstate.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	s := &singleUse{t: t, lab: lab, store: store, name: "ws"}
	s.use(fx, adopt)
	return s
}

// use switches the configuration's variables (a rotation: new certificates).
func (s *singleUse) use(fx Fixture, adopt bool) {
	files := map[string]string{"backend.tf": s.store.BackendBlock(s.name), "main.tf": withAdoptExisting(fx.Files["main.tf"])}
	vars := map[string]any{"adopt_existing": adopt}
	for k, v := range fx.Vars {
		vars[k] = v
	}
	s.fx = Fixture{Files: files, Vars: vars, Keys: fx.Keys, Certs: fx.Certs, Count: fx.Count}
}

// fresh is a new working directory, initialised against the remote state.
func (s *singleUse) fresh() *workspace {
	s.t.Helper()
	s.runs++
	return newWorkspace(s.t, s.lab, filepath.Join(s.t.TempDir(), fmt.Sprintf("run%d", s.runs)), s.fx)
}

// killAt starts the command in a fresh directory and SIGKILLs it (with its
// provider) once the emulator applied the request fault matches; then the
// lock the run held is released, as the platform does when a run ends.
func (s *singleUse) killAt(fault *emulator.Fault, args ...string) (lockHeld bool) {
	s.t.Helper()
	ws := s.fresh()
	kp := killPoint{name: s.t.Name(), fault: fault}
	events := kp.arm(s.t, s.lab)
	cmd, _ := ws.startKillable(args...)
	kp.await(s.t, events)
	kill(s.t, cmd)
	s.lab.Emu.SetFaults(emulator.Faults{})
	return s.store.EndRun(s.name)
}

// withAdoptExisting adds adopt_existing = var.adopt_existing to the
// fixture's certificate resources.
func withAdoptExisting(mainTF string) string {
	out := strings.ReplaceAll(mainTF, "  private_key_wo_version = var.key_version\n",
		"  private_key_wo_version = var.key_version\n  adopt_existing         = var.adopt_existing\n")
	return out + "\nvariable \"adopt_existing\" { type = bool }\n"
}

type singleUseResult struct {
	point                     string
	lockHeld                  bool
	storedAtKill, savedAtKill int
	exit, adopted             int
	orphans, duplicates, left int
	planExit                  int
}

// next is the run after a kill, from a fresh directory: it must exit 0 and
// leave state and Cloudflare in agreement, with an empty plan after it.
func (s *singleUse) next(res singleUseResult, destroy bool) singleUseResult {
	s.t.Helper()
	ws := s.fresh()
	var out string
	if destroy {
		out, res.exit = ws.destroy()
	} else {
		out, res.exit = ws.apply()
	}
	res.adopted = countWarnings(out, consentedSummary)
	if res.exit != 0 {
		s.t.Fatalf("%s: the next run failed (exit %d):\n%s", res.point, res.exit, errorLines(out))
	}
	plan := s.fresh()
	if !destroy {
		// A certificate imported while Cloudflare still deploys it keeps
		// that status in state until a refresh is saved; the comparison
		// below is about what exists, so it reads the refreshed state.
		if out, code := plan.run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); code != 0 {
			s.t.Fatalf("%s: refresh failed (exit %d):\n%s", res.point, code, errorLines(out))
		}
	}
	args := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	if destroy {
		args = append(args, "-destroy")
	}
	pout, code := plan.run(args...)
	res.planExit = code
	if code != 0 {
		s.t.Errorf("%s: the plan after the next run is not empty (exit %d):\n%s", res.point, code, pout)
	}
	rep := Compare(plan.state(), s.lab.Emu.Snapshot())
	res.orphans, res.duplicates = len(rep.Orphans), len(rep.Duplicates)
	res.left = liveCerts(s.lab.Emu.Snapshot())
	want := s.fx.Count
	if destroy {
		want = 0
	}
	if rep.InState != want || res.orphans+res.duplicates+len(rep.Disagreements) > 0 {
		s.t.Errorf("%s: want %d resources and nothing else: %s", res.point, want, rep)
	}
	return res
}

func (s *singleUse) savedCount() int {
	s.t.Helper()
	if len(s.store.State(s.name)) == 0 {
		return 0
	}
	return len(s.fresh().state())
}

// Killed single-use runs with adopt_existing = true: after the first upload
// of a new configuration, after a rotation's first upload, and during a
// destroy. The next run, from a fresh directory, converges with no manual
// step.
func TestSingleUseRuns_killedRunsConverge(t *testing.T) {
	t.Parallel()
	lab := newLab(t, time.Second)
	zones := zoneIDs(lab, Zones[:1]...)
	shape := Shape{ZoneCerts: 1, HostnameCerts: 2, Bindings: 2, Switches: true}
	fx, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	s := newSingleUse(t, lab, fx, true)
	var results []singleUseResult

	res := singleUseResult{point: "apply, after the first upload"}
	res.lockHeld = s.killAt(certPOST(0), "apply", "-input=false", "-auto-approve", "-no-color")
	// Uploads the killed run sent just before the kill still complete in
	// the emulator: count once the count holds still.
	res.storedAtKill, res.savedAtKill = settledCerts(t, lab), s.savedCount()
	res = s.next(res, false)
	if res.adopted != res.storedAtKill {
		t.Errorf("%d certificates adopted, want the %d stored by the killed run", res.adopted, res.storedAtKill)
	}
	results = append(results, res)

	rotated, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	rotated.Vars["key_version"] = 2
	s.use(rotated, true)
	res = singleUseResult{point: "rotation, after the first new upload"}
	res.lockHeld = s.killAt(certPOST(0), "apply", "-input=false", "-auto-approve", "-no-color")
	// Uploads the killed run sent just before the kill still complete in
	// the emulator: count once the count holds still.
	res.storedAtKill, res.savedAtKill = settledCerts(t, lab), s.savedCount()
	storedNew := 0 // the new certificates the killed rotation stored; its state holds none of them
	for _, z := range lab.Emu.Snapshot().Zones {
		for _, c := range append(append([]emulator.CertificateState{}, z.ZoneCertificates...), z.HostnameCertificates...) {
			if live(c) && fixtureHas(rotated, c.SHA256) {
				storedNew++
			}
		}
	}
	res = s.next(res, false)
	if storedNew == 0 || res.adopted != storedNew {
		t.Errorf("%d certificates adopted, want the %d new ones the killed rotation stored", res.adopted, storedNew)
	}
	for _, r := range s.fresh().state() {
		if fp, _ := r.Values["sha256_fingerprint"].(string); fp != "" && !fixtureHas(rotated, fp) {
			t.Errorf("%s still holds a certificate of the old configuration", r.Address)
		}
	}
	results = append(results, res)

	res = singleUseResult{point: "destroy, after the first deletion"}
	res.lockHeld = s.killAt(&emulator.Fault{Method: "DELETE"}, "destroy", "-input=false", "-auto-approve", "-no-color")
	res.storedAtKill, res.savedAtKill = settledCerts(t, lab), s.savedCount()
	res = s.next(res, true)
	if res.left != 0 {
		t.Errorf("%d certificates left after the destroy", res.left)
	}
	results = append(results, res)

	// A destroy killed after its first deletion, and then an apply instead
	// of another destroy, while Cloudflare still deletes that certificate
	// (it refuses to take the same certificate again until then: 1406).
	if out, code := s.fresh().apply(); code != 0 {
		t.Fatalf("apply before the killed destroy: exit %d\n%s", code, errorLines(out))
	}
	lab.Emu.SetDelay(8 * time.Second)
	res = singleUseResult{point: "destroy, after the first deletion; then apply"}
	res.lockHeld = s.killAt(&emulator.Fault{Method: "DELETE"}, "destroy", "-input=false", "-auto-approve", "-no-color")
	res.storedAtKill, res.savedAtKill = settledCerts(t, lab), s.savedCount()
	res = s.next(res, false)
	lab.Emu.SetDelay(time.Second)
	results = append(results, res)
	t.Log(singleUseTable(results))
}

// Without adopt_existing, the next run stops at "Certificate Already
// Uploaded", and the recovery it names for the case works from a fresh
// directory: an import block for a new resource; for a rotation, where
// terraform import fails with "Resource already managed by Terraform",
// adopt_existing = true.
func TestSingleUseRuns_withoutConsentTheAdviceWorks(t *testing.T) {
	t.Parallel()
	lab := newLab(t, time.Second)
	zones := zoneIDs(lab, Zones[:1]...)
	shape := Shape{HostnameCerts: 1, Bindings: 1}
	fx, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	const addr = `cfaop_hostname_certificate.h["z0-hc0"]`
	importID := regexp.MustCompile(`id = "([0-9a-f]{32}/[0-9a-f-]{36})"`)
	s := newSingleUse(t, lab, fx, false)
	var results []singleUseResult

	// A new resource: the import block the error shows.
	s.killAt(certPOST(0), "apply", "-input=false", "-auto-approve", "-no-color")
	out, code := s.fresh().apply()
	m := importID.FindStringSubmatch(out)
	if code == 0 || !strings.Contains(out, "Certificate Already Uploaded") || m == nil {
		t.Fatalf("new resource: want Certificate Already Uploaded with an import block; exit %d:\n%s", code, out)
	}
	t.Logf("new resource, without adopt_existing: exit %d, %q", code, "Certificate Already Uploaded")
	s.fx.Files["import.tf"] = fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, m[1])
	results = append(results, s.next(singleUseResult{point: "new resource: import block"}, false))
	delete(s.fx.Files, "import.tf")

	// A rotation: import is refused, adopt_existing works.
	rotated, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	rotated.Vars["key_version"] = 2
	s.use(rotated, false)
	s.killAt(certPOST(0), "apply", "-input=false", "-auto-approve", "-no-color")
	ws := s.fresh()
	out, code = ws.apply()
	m = importID.FindStringSubmatch(out)
	if code == 0 || m == nil || !strings.Contains(out, "set adopt_existing = true") {
		t.Fatalf("rotation: want Certificate Already Uploaded naming adopt_existing; exit %d:\n%s", code, out)
	}
	s.store.EndRun(s.name)
	iout, icode := ws.run("import", "-input=false", "-no-color", addr, m[1])
	if icode == 0 || !strings.Contains(iout, "Resource already managed by Terraform") {
		t.Errorf("rotation: terraform import should be refused as the error says; exit %d:\n%s", icode, iout)
	}
	t.Logf("rotation, without adopt_existing: apply exit %d; terraform import exit %d (Resource already managed by Terraform)", code, icode)
	s.use(rotated, true)
	res := s.next(singleUseResult{point: "rotation: adopt_existing = true"}, false)
	if res.adopted != 1 {
		t.Errorf("%d certificates adopted, want 1", res.adopted)
	}
	results = append(results, res)
	t.Log(singleUseTable(results))
}

func singleUseTable(results []singleUseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-46s %5s %6s %5s %5s %7s %7s %5s %9s\n", "killed / recovery", "lock", "stored", "saved", "exit", "adopted", "orphans", "dups", "plan-exit")
	for _, r := range results {
		fmt.Fprintf(&b, "%-46s %5t %6d %5d %5d %7d %7d %5d %9d\n", r.point, r.lockHeld, r.storedAtKill, r.savedAtKill, r.exit, r.adopted,
			r.orphans, r.duplicates, r.planExit)
	}
	return b.String()
}
