package originlab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/originserver"
)

// The end-to-end tests run real nginx and Apache, installed by `make test`
// (make origin-deps). They fail rather than skip when CFAOP_REQUIRE_ORIGINS
// says the servers must be there.
func requireServers(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end test: set TF_ACC=1 (make test does)")
	}
	for _, k := range []originserver.Kind{originserver.Nginx, originserver.Apache} {
		if err := originserver.Installed(k); err != nil {
			if os.Getenv("CFAOP_REQUIRE_ORIGINS") != "" {
				t.Fatal(err)
			}
			t.Skip(err)
		}
	}
}

// The provider is built once for the package; each test gets a lab of its
// own on a new emulator, so the tests and their scenarios run in parallel.
var (
	baseOnce sync.Once
	base     *Lab
	baseDir  string
	baseErr  error
)

func newLab(t *testing.T) *Lab {
	t.Helper()
	baseOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		root, err := filepath.Abs("../..")
		if err != nil {
			baseErr = err
			return
		}
		if baseDir, baseErr = os.MkdirTemp("", "cfaop-originlab-"); baseErr != nil {
			return
		}
		base, baseErr = New(ctx, Options{RepoRoot: root, WorkDir: baseDir, Polls: ShortPolls})
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	lab, err := base.WithEmulator(0)
	if err != nil {
		t.Fatal(err)
	}
	lab.Say = t.Logf
	t.Cleanup(func() { _ = lab.Close() })
	return lab
}

// TestMain: the Terraform processes these tests start, and the providers
// they start, run with one P (GOMAXPROCS=1) unless the environment says
// otherwise, as in the fault suite and the provider package's tests: most of
// their CPU is start-up, and idle Ps spin for work on cores the other test
// packages keep busy. Unlike those, they keep TLS between Terraform and the
// provider, as users run it. The builds the tests start (the provider, make
// install) set GOMAXPROCS back to all cores.
func TestMain(m *testing.M) {
	SetEnvDefaults(map[string]string{"GOMAXPROCS": "1"})
	code := m.Run()
	if base != nil {
		_ = base.Close()
	}
	if baseDir != "" {
		_ = os.RemoveAll(baseDir)
	}
	os.Exit(code)
}

func TestEndToEnd_originRefusesAllButCloudflare(t *testing.T) {
	t.Parallel()
	requireServers(t)
	root, _ := filepath.Abs("../..")
	for _, server := range []originserver.Kind{originserver.Nginx, originserver.Apache} {
		for _, level := range []Level{Global, Zone, Hostname} {
			t.Run(string(server)+"/"+string(level), func(t *testing.T) {
				// Each scenario has its own emulator (and origin server on a
				// port of its own), so the scenarios run side by side.
				t.Parallel()
				lab := newLab(t)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				res, err := lab.Run(ctx, t.TempDir(), Scenario{Server: server, Level: level, RepoRoot: root})
				if err != nil {
					t.Fatal(err)
				}
				assertRefused(t, server, "without a client certificate", res.DirectNoCert, "No required SSL certificate was sent", "certificate required")
				assertRefused(t, server, "with a certificate from another CA", res.DirectWrongCert, "The SSL certificate error", "unknown certificate authority")
				if res.Edge.Status != 200 || res.Edge.Level != string(level) {
					t.Errorf("edge pull: status %d, level %q, error %q; want 200 with the %s certificate", res.Edge.Status, res.Edge.Level, res.Edge.Error, level)
				}
				if level != Global {
					if r := res.EdgeAfterRotation; r == nil || r.Status != 200 || r.CertificateSHA256 != res.RotatedSHA256 {
						t.Errorf("edge pull after rotation: %+v; want 200 with the new certificate %s", r, res.RotatedSHA256)
					}
				}
				after := res.EdgeAfterDestroy
				if after.Status == 200 || after.Level != "none" {
					t.Errorf("edge pull after destroy: status %d, level %q; want a refusal with no certificate presented", after.Status, after.Level)
				}
				t.Logf("measured: direct/no cert: %s | direct/wrong cert: %s | edge: HTTP %d (%s) | after destroy: %s",
					res.DirectNoCert, res.DirectWrongCert, res.Edge.Status, res.Edge.Level, PullString(after))
			})
		}
	}
}

// assertRefused checks the refusal nginx (HTTP 400 page) or Apache (TLS
// alert) gives a client that cannot show a trusted certificate.
func assertRefused(t *testing.T, server originserver.Kind, what string, p originserver.Probe, nginxText, apacheText string) {
	t.Helper()
	switch server {
	case originserver.Nginx:
		if p.Status != 400 || !strings.Contains(p.Body, nginxText) {
			t.Errorf("nginx direct request %s: %s; want HTTP 400 %q", what, p, nginxText)
		}
	case originserver.Apache:
		if p.Status != 0 || !strings.Contains(p.Err, apacheText) {
			t.Errorf("apache direct request %s: %s; want a TLS refusal %q", what, p, apacheText)
		}
	}
}

// The modules' own `terraform test` files run against the emulator with
// the provider installed both ways the README shows (filesystem mirror
// with `init`, dev_overrides without it), under Terraform and, when
// CFAOP_TOFU names its binary (`make test` sets it), under OpenTofu.
// With both CLIs the runs are pairwise: every CLI meets every module and
// every way of installing, and every module every way of installing, in
// four runs instead of eight (each run is a `test` of its own, with
// Terraform's and the provider's start-ups); the install method and the
// module's contents do not interact beyond those pairs.
func TestEndToEnd_moduleTests(t *testing.T) {
	t.Parallel()
	requireServers(t)
	root, _ := filepath.Abs("../..")
	for _, r := range moduleTestRuns(newLab(t).Terraform, os.Getenv("CFAOP_TOFU")) {
		t.Run(r.cliName+"/"+r.install()+"/"+r.module, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(r.CLI); err != nil {
				t.Fatalf("%s: %v (make tofu builds OpenTofu)", r.cliName, err)
			}
			lab := newLab(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			out, err := lab.ModuleTestWith(ctx, r.ModuleTestRun, filepath.Join(root, "examples", "modules", r.module), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Success!") {
				t.Fatalf("%s test did not succeed:\n%s", r.cliName, out)
			}
			t.Log(lastLine(out))
		})
	}
}

// moduleTestRun is one module's test under one CLI and one way of
// installing the provider.
type moduleTestRun struct {
	cliName, module string
	ModuleTestRun
}

func (r moduleTestRun) install() string {
	if r.DevOverrides {
		return "dev_overrides"
	}
	return "mirror"
}

// moduleTestRuns: with OpenTofu, a pairwise set over CLI, install method and
// module; with Terraform alone, every install method with every module.
func moduleTestRuns(terraform, tofu string) []moduleTestRun {
	run := func(cliName, cli, module string, dev bool) moduleTestRun {
		return moduleTestRun{cliName, module, ModuleTestRun{CLI: cli, DevOverrides: dev}}
	}
	if tofu == "" {
		return []moduleTestRun{
			run("terraform", terraform, "origin-nginx", false),
			run("terraform", terraform, "origin-apache", false),
			run("terraform", terraform, "origin-nginx", true),
			run("terraform", terraform, "origin-apache", true),
		}
	}
	return []moduleTestRun{
		run("terraform", terraform, "origin-nginx", false),
		run("terraform", terraform, "origin-apache", true),
		run("tofu", tofu, "origin-apache", false),
		run("tofu", tofu, "origin-nginx", true),
	}
}

// Every pair of CLI, install method and module is in the runs.
func TestModuleTestRuns_pairwise(t *testing.T) {
	runs := moduleTestRuns("terraform", "tofu")
	pairs := map[string]bool{}
	for _, r := range runs {
		pairs["cli/install "+r.cliName+" "+r.install()] = true
		pairs["cli/module "+r.cliName+" "+r.module] = true
		pairs["install/module "+r.install()+" "+r.module] = true
	}
	for _, cli := range []string{"terraform", "tofu"} {
		for _, install := range []string{"mirror", "dev_overrides"} {
			for _, m := range []string{"origin-nginx", "origin-apache"} {
				for _, want := range []string{"cli/install " + cli + " " + install, "cli/module " + cli + " " + m, "install/module " + install + " " + m} {
					if !pairs[want] {
						t.Errorf("no run covers %s", want)
					}
				}
			}
		}
	}
	if len(runs) != 4 {
		t.Errorf("%d runs, want 4", len(runs))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
