package faultsuite

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// killShape is 20 resources over two zones.
var killShape = Shape{ZoneCerts: 2, HostnameCerts: 3, Bindings: 3, Switches: true}

const adoptedSummary = "Certificate Adopted From An Interrupted Run"

// killPoint says when to SIGKILL a running terraform: when the emulator has
// applied the request a fault matches (the fault then hangs, so the answer
// never reaches the provider), or after a fixed time.
type killPoint struct {
	name  string
	fault *emulator.Fault
	after time.Duration
}

// arm installs the kill point's fault before terraform starts.
func (k killPoint) arm(t *testing.T, lab *originlab.Lab) <-chan emulator.FaultEvent {
	t.Helper()
	if k.fault == nil {
		return nil
	}
	events := make(chan emulator.FaultEvent, 1)
	ft := *k.fault
	ft.AfterApply, ft.Hang, ft.Times, ft.Notify = true, 5*time.Minute, 1, events
	lab.Emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{ft}})
	return events
}

func (k killPoint) await(t *testing.T, events <-chan emulator.FaultEvent) {
	t.Helper()
	if events == nil {
		time.Sleep(k.after)
		return
	}
	select {
	case <-events:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s: the emulator never saw the request", k.name)
	}
}

func certPOST(skip int) *emulator.Fault {
	return &emulator.Fault{Method: "POST", PathContains: "/origin_tls_client_auth", Skip: skip}
}

// killedResult is what one killed run measured.
type killedResult struct {
	point                         string
	storedAtKill, savedAtKill     int
	reapplyExit                   int
	adopted                       int
	orphans, duplicates, disagree int
	nonEmptyPlan                  bool
	restored                      bool // the kill emptied terraform.tfstate; its backup was restored
}

// Terraform is killed (SIGKILL, with its provider) at several points of an
// apply, a rotation and a destroy. The next run converges: no orphan, no
// duplicate, state agrees with Cloudflare, the plan is empty, and
// certificates stored by the killed run are adopted through the upload
// journal instead of failing as "already uploaded".
func TestKilledRuns_nextApplyConverges(t *testing.T) {
	t.Parallel()
	requireAcc(t)
	bindingPUT := &emulator.Fault{Method: "PUT", PathContains: "/origin_tls_client_auth/hostnames"}
	points := []killPoint{
		{name: "after the first certificate upload was stored", fault: certPOST(0)},
		{name: "after the sixth certificate upload was stored", fault: certPOST(5)},
		{name: "after a hostname association was stored", fault: bindingPUT},
		{name: "after 2.5 seconds", after: 2500 * time.Millisecond},
	}
	// Each kill point has its own emulator, so the points run side by side;
	// the table is logged once all of them are done.
	var (
		resultsMu sync.Mutex
		results   []killedResult
	)
	record := func(res ...killedResult) {
		resultsMu.Lock()
		defer resultsMu.Unlock()
		results = append(results, res...)
	}
	t.Cleanup(func() { t.Log(killedTable(results)) })
	for _, kp := range points {
		t.Run(kp.name, func(t *testing.T) {
			t.Parallel()
			lab := newLab(t, time.Second)
			zones := zoneIDs(lab, Zones[:2]...)
			fx, err := NewFixture(zones, killShape)
			if err != nil {
				t.Fatal(err)
			}
			ws := newWorkspace(t, lab, filepath.Join(t.TempDir(), "ws"), fx)
			res := killedResult{point: kp.name}
			events := kp.arm(t, lab)
			cmd, out := ws.startKillable("apply", "-input=false", "-auto-approve", "-no-color")
			kp.await(t, events)
			kill(t, cmd)
			lab.Emu.SetFaults(emulator.Faults{})
			res.restored = recoverTruncatedState(t, ws)
			res.storedAtKill = settledCerts(t, lab)
			saved := ws.state()
			res.savedAtKill = len(saved)
			savedCerts := 0
			for _, r := range saved {
				if strings.HasSuffix(r.Type, "_certificate") {
					savedCerts++
				}
			}
			t.Logf("killed %s: %d certificates stored, %d resources in the saved state; output so far:\n%s",
				kp.name, res.storedAtKill, res.savedAtKill, lastLines(out.String(), 5))

			res = reapplyAndCheck(t, lab, ws, fx.Count, res)
			record(res)
			if want := res.storedAtKill - savedCerts; res.adopted != want {
				t.Errorf("%d certificates adopted, want the %d stored by the killed run but not in its saved state", res.adopted, want)
			}
			if _, code := ws.destroy(); code != 0 {
				t.Fatalf("destroy after the killed run failed")
			}
			if left := Clean(lab.Emu.Snapshot()); len(left) > 0 {
				t.Fatalf("destroy left %v", left)
			}
		})
	}

	// A rotation (new certificates, create_before_destroy) killed after the
	// first new certificate was stored, and a destroy killed after the first
	// deletion; then the same with terraform.tfstate emptied at each kill, as
	// when the kill lands inside Terraform's own state write.
	for _, emptied := range []bool{false, true} {
		name := "rotation and destroy"
		if emptied {
			name += ", state file emptied by the kill"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lab := newLab(t, time.Second)
			record(killRotationAndDestroy(t, lab, zoneIDs(lab, Zones[:2]...), emptied)...)
		})
	}
}

// killRotationAndDestroy kills a rotation after its first new certificate
// was stored and a destroy after its first deletion; with emptyState the
// kill also empties terraform.tfstate.
func killRotationAndDestroy(t *testing.T, lab *originlab.Lab, zones map[string]string, emptyState bool) []killedResult {
	suffix := ""
	if emptyState {
		suffix = " (state emptied)"
	}
	fx, err := NewFixture(zones, killShape)
	if err != nil {
		t.Fatal(err)
	}
	ws := newWorkspace(t, lab, filepath.Join(t.TempDir(), "ws"), fx)
	if out, code := ws.apply(); code != 0 {
		t.Fatalf("first apply: %s", out)
	}
	next, err := NewFixture(zones, killShape)
	if err != nil {
		t.Fatal(err)
	}
	next.Vars["key_version"] = 2
	ws.setVars(next.Vars)
	statePath := filepath.Join(ws.Dir, "terraform.tfstate")
	killAt := func(fault *emulator.Fault, args ...string) bool {
		before, err := os.ReadFile(statePath)
		if err != nil {
			t.Fatal(err)
		}
		kp := killPoint{name: t.Name(), fault: fault}
		events := kp.arm(t, lab)
		cmd, _ := ws.startKillable(args...)
		kp.await(t, events)
		kill(t, cmd)
		lab.Emu.SetFaults(emulator.Faults{})
		if emptyState {
			// What a kill inside Terraform's state write leaves: the backup
			// Terraform writes before its first rewrite of the run (the state
			// from before the run), and an empty state file.
			if err := os.WriteFile(statePath+".backup", before, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(statePath, 0); err != nil {
				t.Fatal(err)
			}
		}
		return recoverTruncatedState(t, ws)
	}

	restored := killAt(certPOST(0), "apply", "-input=false", "-auto-approve", "-no-color")
	res := killedResult{point: "during a rotation" + suffix, storedAtKill: settledCerts(t, lab), savedAtKill: len(ws.state()), restored: restored}
	res = reapplyAndCheck(t, lab, ws, next.Count, res)
	for _, r := range ws.state() {
		if fp, _ := r.Values["sha256_fingerprint"].(string); fp != "" && !fixtureHas(next, fp) {
			t.Errorf("%s still holds a certificate of the old configuration", r.Address)
		}
	}

	restored = killAt(&emulator.Fault{Method: "DELETE"}, "destroy", "-input=false", "-auto-approve", "-no-color")
	stored := settledCerts(t, lab)
	saved := ws.state()
	if out, code := ws.destroy(); code != 0 {
		t.Fatalf("destroy after a killed destroy: exit %d\n%s", code, errorLines(out))
	}
	left := Clean(lab.Emu.Snapshot())
	if len(left) > 0 {
		t.Errorf("destroy after a killed destroy left %v", left)
	}
	return []killedResult{res, {point: "during destroy, after the first deletion" + suffix, storedAtKill: stored,
		savedAtKill: len(saved), orphans: len(left), restored: restored}}
}

// recoverTruncatedState does what a user must do when a kill left
// terraform.tfstate empty or cut short: Terraform's local backend rewrites
// the file in place (seek, truncate, write), so a SIGKILL between the
// truncate and the write loses the whole state. terraform.tfstate.backup
// holds the state from before the killed run; it is restored. (Without a
// backup there was no earlier state: Terraform itself writes an empty file
// for "no state yet".) The upload journal then lets the next apply adopt
// what the killed run stored.
func recoverTruncatedState(t *testing.T, ws *workspace) bool {
	t.Helper()
	path := filepath.Join(ws.Dir, "terraform.tfstate")
	raw, err := os.ReadFile(path)
	if err != nil || json.Valid(raw) {
		return false
	}
	backup, err := os.ReadFile(path + ".backup")
	if err != nil {
		return false // no earlier state: an empty file is Terraform's own "no state yet"
	}
	t.Logf("the kill left terraform.tfstate empty (%d bytes); restoring terraform.tfstate.backup", len(raw))
	if err := os.WriteFile(path, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	return true
}

// reapplyAndCheck runs the next apply after a kill and checks convergence.
func reapplyAndCheck(t *testing.T, lab *originlab.Lab, ws *workspace, want int, res killedResult) killedResult {
	t.Helper()
	out, code := ws.apply()
	res.reapplyExit = code
	res.adopted = countWarnings(out, adoptedSummary)
	if code != 0 {
		t.Fatalf("the apply after the kill failed (exit %d):\n%s", code, errorLines(out))
	}
	rep := Compare(ws.state(), lab.Emu.Snapshot())
	res.orphans, res.duplicates, res.disagree = len(rep.Orphans), len(rep.Duplicates), len(rep.Disagreements)
	if rep.InState != want || res.orphans+res.duplicates+res.disagree > 0 {
		t.Errorf("after the next apply, want %d resources and nothing else: %s", want, rep)
	}
	if empty, plan := ws.planIsEmpty(); !empty {
		res.nonEmptyPlan = true
		t.Errorf("the plan after the next apply is not empty:\n%s", plan)
	}
	return res
}

func fixtureHas(fx Fixture, fp string) bool {
	for _, p := range fx.Certs {
		if pemcert.SHA256Fingerprint(p.Cert) == fp {
			return true
		}
	}
	return false
}

// A killed run's certificate cannot be adopted from a fresh working
// directory (a new CI checkout, a new Terraform Cloud run): there is no
// journal, so it stays "already uploaded" with the import command, while the
// original directory converges.
func TestKilledRuns_freshWorkingDirectoryHasNoJournal(t *testing.T) {
	t.Parallel()
	lab := newLab(t, time.Second)
	zones := zoneIDs(lab, Zones[:1]...)
	fx, err := NewFixture(zones, Shape{HostnameCerts: 1})
	if err != nil {
		t.Fatal(err)
	}
	ws := newWorkspace(t, lab, filepath.Join(t.TempDir(), "ws"), fx)
	kp := killPoint{name: "first upload", fault: certPOST(0)}
	events := kp.arm(t, lab)
	cmd, _ := ws.startKillable("apply", "-input=false", "-auto-approve", "-no-color")
	kp.await(t, events)
	kill(t, cmd)
	lab.Emu.SetFaults(emulator.Faults{})
	if n := liveCerts(lab.Emu.Snapshot()); n != 1 {
		t.Fatalf("%d certificates stored by the killed run, want 1", n)
	}
	journal, err := os.ReadFile(filepath.Join(ws.Dir, ".terraform", "cfaop-upload-journal.json"))
	if err != nil {
		t.Fatalf("the killed run left no journal: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(ws.Dir, ".terraform", "cfaop-upload-journal.json")); st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", st.Mode().Perm())
	}
	if strings.Contains(string(journal), "BEGIN") {
		t.Fatalf("the journal holds PEM:\n%s", journal)
	}

	fresh := newWorkspace(t, lab, filepath.Join(t.TempDir(), "fresh"), fx)
	out, code := fresh.apply()
	if code == 0 || !strings.Contains(out, "Certificate Already Uploaded") || !strings.Contains(out, "to = <this resource's address>") {
		t.Fatalf("a fresh working directory should report the certificate as already uploaded with the import command; exit %d:\n%s", code, out)
	}
	out, code = ws.apply()
	if code != 0 || !strings.Contains(out, adoptedSummary) {
		t.Fatalf("the original working directory should adopt the certificate; exit %d:\n%s", code, out)
	}
	if rep := Compare(ws.state(), lab.Emu.Snapshot()); len(rep.Orphans)+len(rep.Duplicates)+len(rep.Disagreements) > 0 {
		t.Fatal(rep)
	}
	if _, code := ws.destroy(); code != 0 {
		t.Fatal("destroy failed")
	}
}

func killedTable(results []killedResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-55s %6s %6s %8s %6s %7s %7s %5s %8s %9s\n", "killed", "stored", "saved", "restored", "exit", "adopted", "orphans", "dups", "disagree", "non-empty")
	for _, r := range results {
		fmt.Fprintf(&b, "%-55s %6d %6d %8t %6d %7d %7d %5d %8d %9t\n", r.point, r.storedAtKill, r.savedAtKill, r.restored, r.reapplyExit, r.adopted,
			r.orphans, r.duplicates, r.disagree, r.nonEmptyPlan)
	}
	return b.String()
}

// countWarnings counts warnings with summary in Terraform's output, which
// folds repeated ones into "(and N more similar warnings elsewhere)".
func countWarnings(out, summary string) int {
	n := 0
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "Warning: "+summary) {
			continue
		}
		n++
		for _, more := range lines[i+1 : min(i+40, len(lines))] {
			if strings.Contains(more, "Warning: ") || strings.Contains(more, "Error: ") {
				break
			}
			text := strings.TrimSpace(strings.Trim(more, "│ "))
			if strings.HasPrefix(text, "(and one more similar warning") {
				n++
				break
			}
			var extra int
			if _, err := fmt.Sscanf(text, "(and %d more similar warning", &extra); err == nil {
				n += extra
				break
			}
		}
	}
	return n
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
