package faultsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
)

// The suite needs the Terraform CLI and builds the provider; it runs with
// TF_ACC=1, as `make test` sets it.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("fault suite: set TF_ACC=1 (make test does)")
	}
}

// Zones is what every lab's emulator serves.
var Zones = []string{"example.com", "example.net", "example.org", "example.io"}

var (
	labOnce sync.Once
	shared  *originlab.Lab
	labDir  string
	labErr  error
)

// newLab returns a lab of the test's own: the provider built once for the
// package (polling on the tests' short schedule) and a new emulator with the
// given status delay, so that tests and fault mixes run in parallel.
func newLab(t *testing.T, delay time.Duration) *originlab.Lab {
	t.Helper()
	requireAcc(t)
	labOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		root, err := filepath.Abs("../..")
		if err != nil {
			labErr = err
			return
		}
		if labDir, labErr = os.MkdirTemp("", "cfaop-faultsuite-"); labErr != nil {
			return
		}
		// The Terraform the acceptance tests run (make test names one), else
		// the one on PATH.
		shared, labErr = originlab.New(ctx, originlab.Options{RepoRoot: root, WorkDir: labDir, ZoneName: Zones[0], MoreZones: Zones[1:],
			Polls: originlab.ShortPolls, Terraform: os.Getenv("TF_ACC_TERRAFORM_PATH")})
	})
	if labErr != nil {
		t.Fatal(labErr)
	}
	lab, err := shared.WithEmulator(delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lab.Close() })
	return lab
}

// TestMain: the Terraform processes the suite starts, and the providers they
// start, run with one P (GOMAXPROCS=1) unless the environment says
// otherwise, as in the provider package's tests: most of their CPU is
// start-up, and idle Ps spin for work on cores the other processes keep busy.
//
// Terraform also talks to the providers it starts without TLS
// (TF_DISABLE_PLUGIN_TLS, which Terraform keeps for test frameworks that
// start and kill many provider processes), unless the environment says
// otherwise. With TLS, both sides generate a P-521 key and certificate and
// shake hands at every provider start, a large share of the suite's CPU
// (CHANGELOG.md). The channel is a Unix socket between the two processes, and
// nothing the suite checks (state, the API's answers, what is logged or
// written) passes through that layer. The end-to-end tests in originlab and
// the benchmark keep TLS on, as users run it.
func TestMain(m *testing.M) {
	originlab.SetEnvDefaults(map[string]string{"GOMAXPROCS": "1", "TF_DISABLE_PLUGIN_TLS": "1"})
	code := m.Run()
	if shared != nil {
		_ = shared.Close()
	}
	if labDir != "" {
		_ = os.RemoveAll(labDir)
	}
	os.Exit(code)
}

// zoneIDs maps the lab's zone names to their IDs.
func zoneIDs(lab *originlab.Lab, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = lab.Emu.ZoneID(n)
	}
	return out
}

// workspace is a Terraform working directory with the fixture's files, its
// variables and a completed `terraform init`.
type workspace struct {
	*originlab.Workspace
	t *testing.T
}

func newWorkspace(t *testing.T, lab *originlab.Lab, dir string, fx Fixture) *workspace {
	t.Helper()
	ws, err := lab.Workspace(dir, fx.Files)
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{Workspace: ws, t: t}
	w.setVars(fx.Vars)
	if out, code := w.run("init", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("terraform init: exit %d\n%s", code, out)
	}
	return w
}

func (w *workspace) setVars(vars map[string]any) {
	w.t.Helper()
	raw, err := json.Marshal(vars)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "terraform.tfvars.json"), raw, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs terraform and returns its combined output and exit code.
func (w *workspace) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := w.Command(ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out.String())
	return "", -1
}

func (w *workspace) apply() (string, int) {
	return w.run("apply", "-input=false", "-auto-approve", "-no-color")
}

func (w *workspace) destroy() (string, int) {
	return w.run("destroy", "-input=false", "-auto-approve", "-no-color")
}

// planIsEmpty runs plan -detailed-exitcode: 0 is empty, 2 has changes.
func (w *workspace) planIsEmpty() (bool, string) {
	w.t.Helper()
	out, code := w.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if code != 0 && code != 2 {
		w.t.Fatalf("terraform plan: exit %d\n%s", code, out)
	}
	return code == 0, out
}

func (w *workspace) state() []StateResource {
	w.t.Helper()
	out, code := w.run("show", "-json", "-no-color")
	if code != 0 {
		w.t.Fatalf("terraform show -json: exit %d\n%s", code, out)
	}
	res, err := ParseState([]byte(out))
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// startKillable starts terraform in its own process group, so that killing
// the group takes the provider plugin down with it, as a crash would.
func (w *workspace) startKillable(args ...string) (*exec.Cmd, *bytes.Buffer) {
	w.t.Helper()
	cmd := w.Command(context.Background(), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return cmd, &out
}

// kill sends SIGKILL to terraform and every process it started.
func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("kill terraform: %v", err)
	}
	_ = cmd.Wait()
}

// converge applies until success, at most 1+reapplies times, and returns the
// number of applies and the output of failed ones.
func (w *workspace) converge(reapplies int) (applies int, failures []string) {
	for applies = 1; ; applies++ {
		out, code := w.apply()
		if code == 0 {
			return applies, failures
		}
		failures = append(failures, errorLines(out))
		if applies > reapplies {
			return applies, failures
		}
	}
}

// errorLines keeps Terraform's error diagnostics: each summary with its
// resource and its detail (which names the request and Cloudflare's answer),
// without the blank lines and the configuration excerpt.
func errorLines(out string) string {
	var keep []string
	inError := false
	for _, l := range strings.Split(out, "\n") {
		text := strings.TrimSpace(strings.Trim(l, "│ "))
		switch {
		case strings.Contains(l, "Error:"):
			inError = true
		case strings.HasPrefix(strings.TrimSpace(l), "╵"):
			inError = false
			continue
		}
		if inError && text != "" && !strings.HasPrefix(text, "on ") && !regexp.MustCompile(`^\d+:`).MatchString(text) {
			keep = append(keep, text)
		}
	}
	if len(keep) == 0 {
		return out
	}
	return strings.Join(keep, "\n")
}

// liveCerts counts live certificates at the emulator.
func liveCerts(snap emulator.State) int {
	n := 0
	for _, z := range snap.Zones {
		for _, c := range append(append([]emulator.CertificateState{}, z.ZoneCertificates...), z.HostnameCertificates...) {
			if live(c) {
				n++
			}
		}
	}
	return n
}

// settledCerts is the emulator's live certificate count once the killed
// run's connections have all been closed for 300 ms (at most 10 s):
// requests in flight at the kill still finish on the server, and a
// connection dialled just before it may still wait in the listen backlog.
func settledCerts(t *testing.T, lab *originlab.Lab) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for quiet := time.Duration(0); quiet < 300*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatalf("the emulator still holds %d connections 10 s after the kill", lab.Emu.OpenConnections())
		}
		time.Sleep(20 * time.Millisecond)
		quiet += 20 * time.Millisecond
		if lab.Emu.OpenConnections() > 0 {
			quiet = 0
		}
	}
	return liveCerts(lab.Emu.Snapshot())
}
