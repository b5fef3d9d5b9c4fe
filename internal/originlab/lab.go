// Package originlab wires the pieces of an end-to-end Authenticated Origin
// Pulls run together: the provider built from this repository, the Terraform
// CLI, the in-process Cloudflare emulator with its edge, and a real origin
// server. The end-to-end tests and `make demo` both use it.
package originlab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// ProviderVersion is the version the locally built provider is installed as.
const ProviderVersion = "0.0.1"

// Lab is one emulator and one provider build (which the labs that
// WithEmulator returns share).
type Lab struct {
	Emu       *emulator.Server
	BaseURL   string
	Token     string
	ZoneName  string
	ZoneID    string
	CAURL     string
	Terraform string
	cliConfig string // installs the provider from the filesystem mirror
	devConfig string // dev_overrides: the provider without `terraform init`
	zones     []string
	// Say narrates what happens, in plain words; nil keeps quiet.
	Say func(format string, args ...any)
}

// Options configure New.
type Options struct {
	RepoRoot  string        // where main.go is
	WorkDir   string        // scratch space for the provider build and CLI config
	ZoneName  string        // default example.com
	MoreZones []string      // further zones the emulator serves
	Delay     time.Duration // emulator status delay
	Terraform string        // default: terraform on PATH, else /usr/local/bin/terraform
	Polls     string        // poll schedule "first,max" linked into the build (tests: ShortPolls); empty: the users'
	Say       func(format string, args ...any)
}

// ShortPolls is the poll schedule for tests against the emulator, which
// deploys at once or after the short delay a test sets.
const ShortPolls = "50ms,200ms"

// New builds the provider into a filesystem mirror, writes a CLI
// configuration that installs it from there, and starts the emulator.
func New(ctx context.Context, o Options) (*Lab, error) {
	if o.ZoneName == "" {
		o.ZoneName = "example.com"
	}
	if o.Terraform == "" {
		o.Terraform = "/usr/local/bin/terraform"
		if p, err := exec.LookPath("terraform"); err == nil {
			o.Terraform = p
		}
	}
	l := &Lab{ZoneName: o.ZoneName, Terraform: o.Terraform, Say: o.Say}
	mirror := filepath.Join(o.WorkDir, "mirror")
	bin := filepath.Join(mirror, "registry.terraform.io", "cfaop", "cfaop", ProviderVersion,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-cfaop_v"+ProviderVersion)
	l.say("Building the provider from %s", o.RepoRoot)
	ldflags := "-X main.version=" + ProviderVersion
	if o.Polls != "" {
		ldflags += " -X github.com/cfaop/terraform-provider-cfaop/internal/provider.testPollSchedule=" + o.Polls
	}
	if err := BuildProvider(ctx, o.RepoRoot, bin, ldflags); err != nil {
		return nil, err
	}
	// The same build under OpenTofu's registry host, where its `cfaop/cfaop`
	// resolves, and under a plain name for dev_overrides.
	tofuBin := filepath.Join(mirror, "registry.opentofu.org", "cfaop", "cfaop", ProviderVersion,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-cfaop_v"+ProviderVersion)
	devDir := filepath.Join(o.WorkDir, "dev")
	for _, link := range []string{tofuBin, filepath.Join(devDir, "terraform-provider-cfaop")} {
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return nil, err
		}
		_ = os.Remove(link)
		if err := os.Link(bin, link); err != nil {
			return nil, err
		}
	}
	l.cliConfig = filepath.Join(o.WorkDir, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/cfaop/cfaop", "registry.opentofu.org/cfaop/cfaop"]
  }
  direct {
    exclude = ["registry.terraform.io/cfaop/cfaop", "registry.opentofu.org/cfaop/cfaop"]
  }
}
`, mirror)
	if err := os.WriteFile(l.cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	l.devConfig = filepath.Join(o.WorkDir, "dev.tfrc")
	dev := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cfaop/cfaop" = %[1]q
    "registry.opentofu.org/cfaop/cfaop" = %[1]q
  }
  direct {}
}
`, devDir)
	if err := os.WriteFile(l.devConfig, []byte(dev), 0o644); err != nil {
		return nil, err
	}
	l.zones = append([]string{o.ZoneName}, o.MoreZones...)
	if err := l.startEmulator(o.Delay); err != nil {
		return nil, err
	}
	return l, nil
}

// WithEmulator returns a lab that uses l's provider build and CLI
// configuration with an emulator of its own, serving the same zones, so
// that tests can run side by side without one build each. Close stops its
// emulator only.
func (l *Lab) WithEmulator(delay time.Duration) (*Lab, error) {
	c := *l
	c.Emu = nil
	if err := c.startEmulator(delay); err != nil {
		return nil, err
	}
	return &c, nil
}

// startEmulator starts an emulator for l's zones. The first one makes a
// random token (no fixed token that anything else on the machine could
// guess while a demo or a test runs); labs made by WithEmulator reuse it.
func (l *Lab) startEmulator(delay time.Duration) error {
	emu, err := emulator.New(emulator.Config{Zones: l.zones, Token: l.Token, Delay: delay})
	if err != nil {
		return err
	}
	l.Token = emu.Token()
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	l.Emu, l.BaseURL, l.ZoneID = emu, base, emu.ZoneID(l.ZoneName)
	l.CAURL = strings.TrimSuffix(base, emulator.APIPrefix) + emulator.CAPath
	l.say("Started the Cloudflare API emulator at %s (zone %s, ID %s)", base, l.ZoneName, l.ZoneID)
	return nil
}

// Close stops the emulator.
func (l *Lab) Close() error {
	if l.Emu == nil {
		return nil
	}
	return l.Emu.Close()
}

func (l *Lab) say(format string, args ...any) {
	if l.Say != nil {
		l.Say(format, args...)
	}
}

// Workspace is a Terraform working directory run against the lab.
type Workspace struct {
	lab *Lab
	Dir string
	// CLI runs instead of the lab's Terraform (e.g. OpenTofu); DevOverrides
	// installs the provider through dev_overrides instead of the mirror.
	CLI          string
	DevOverrides bool
	// Env adds variables to every command, e.g. TF_LOG=TRACE.
	Env []string
}

// Workspace writes files into dir and returns a handle to run Terraform there.
func (l *Lab) Workspace(dir string, files map[string]string) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return nil, err
		}
	}
	return &Workspace{lab: l, Dir: dir}, nil
}

// Command returns terraform with args, set up as Run runs it, for callers
// that need the process itself (to signal or kill it).
func (w *Workspace) Command(ctx context.Context, args ...string) *exec.Cmd {
	cli, config := w.lab.Terraform, w.lab.cliConfig
	if w.CLI != "" {
		cli = w.CLI
	}
	if w.DevOverrides {
		config = w.lab.devConfig
	}
	cmd := exec.CommandContext(ctx, cli, append([]string{"-chdir=" + w.Dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+config,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"CLOUDFLARE_BASE_URL="+w.lab.BaseURL,
		"CLOUDFLARE_API_TOKEN="+w.lab.Token,
		"CFAOP_GLOBAL_CA_URL="+w.lab.CAURL,
	)
	cmd.Env = append(cmd.Env, w.Env...)
	return cmd
}

// Run runs terraform with args and returns its combined output.
func (w *Workspace) Run(ctx context.Context, args ...string) (string, error) {
	cmd := w.Command(ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// Apply runs init (once) and apply with the given variable file contents.
func (w *Workspace) Apply(ctx context.Context, tfvarsJSON map[string]any) error {
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform")); err != nil {
		if _, err := w.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
			return err
		}
	}
	if err := w.writeVars(tfvarsJSON); err != nil {
		return err
	}
	_, err := w.Run(ctx, "apply", "-input=false", "-auto-approve", "-no-color", "-var-file=lab.tfvars.json")
	return err
}

// Destroy destroys everything the workspace manages.
func (w *Workspace) Destroy(ctx context.Context) error {
	_, err := w.Run(ctx, "destroy", "-input=false", "-auto-approve", "-no-color", "-var-file=lab.tfvars.json")
	return err
}

// Plan returns whether a plan is empty (exit code 0) or has changes (2).
func (w *Workspace) PlanIsEmpty(ctx context.Context) (bool, string, error) {
	out, err := w.Run(ctx, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-var-file=lab.tfvars.json")
	if err == nil {
		return true, out, nil
	}
	if exitErr, ok := unwrapExit(err); ok && exitErr == 2 {
		return false, out, nil
	}
	return false, out, err
}

// Outputs reads the root module's outputs.
func (w *Workspace) Outputs(ctx context.Context) (map[string]any, error) {
	out, err := w.Run(ctx, "output", "-json")
	if err != nil {
		return nil, err
	}
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return nil, fmt.Errorf("terraform output: %v", err)
	}
	vals := map[string]any{}
	for k, v := range raw {
		vals[k] = v.Value
	}
	return vals, nil
}

func (w *Workspace) writeVars(vars map[string]any) error {
	if vars == nil {
		vars = map[string]any{}
	}
	data, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(w.Dir, "lab.tfvars.json"), data, 0o600)
}

// SetEnvDefaults sets each variable the environment does not set yet, so
// that test binaries can choose settings for the processes they start while
// the caller's environment still wins.
func SetEnvDefaults(defaults map[string]string) {
	for name, value := range defaults {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, value)
		}
	}
}

// BuildProvider builds the provider in repoRoot into bin, as the tests run
// it, with ldflags added (-X settings). Without cgo, as the releases are
// built (.goreleaser.yml): a static binary, which also starts without the
// dynamic loader. Without DWARF (-w): the tests run the binary, never debug
// it, and writing DWARF is about half of the link. On all cores: an empty
// GOMAXPROCS undoes the one the tests set for the Terraform processes they
// start.
func BuildProvider(ctx context.Context, repoRoot, bin, ldflags string) error {
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-w "+ldflags, "-o", bin, ".")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "GOMAXPROCS=", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of the provider: %v\n%s", err, out)
	}
	return nil
}
