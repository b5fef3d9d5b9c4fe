package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
)

// The provider binary for the CLI tests is built once per test binary: each
// build links the whole plugin framework, and the tests only run it.
var (
	cliBuildOnce sync.Once
	cliBuildDir  string
	cliBinary    string
	cliBuildErr  error
)

// cliProviderBinary builds the provider on first use and returns its path.
// The tests run against the emulator, so it polls on the tests' short schedule.
func cliProviderBinary() (string, error) {
	cliBuildOnce.Do(func() {
		if cliBuildDir, cliBuildErr = os.MkdirTemp("", "cfaop-cli-provider-"); cliBuildErr != nil {
			return
		}
		bin := filepath.Join(cliBuildDir, "terraform-provider-cfaop")
		if cliBuildErr = originlab.BuildProvider(context.Background(), filepath.Join("..", ".."), bin, linkShortPolls); cliBuildErr != nil {
			return
		}
		cliBinary = bin
	})
	return cliBinary, cliBuildErr
}

// TestMain removes the provider binary the CLI tests built. The Terraform
// processes the tests start run with one P (GOMAXPROCS=1) unless the
// environment says otherwise: each spends most of its CPU starting up, and
// with one P it starts no threads to spin for work that the machine's other
// processes are already keeping its cores busy with. This process, which
// serves the provider to them, keeps its own setting.
//
// The CLI tests' Terraform reaches the provider binary it starts without TLS
// (TF_DISABLE_PLUGIN_TLS, kept by Terraform and OpenTofu for test frameworks),
// unless the environment says otherwise: the P-521 keys and handshake of every
// provider start are a large share of those tests' CPU (CHANGELOG.md), and
// nothing they check passes through that local channel. The other tests
// serve the provider from this process, which Terraform attaches to without
// TLS anyway.
func TestMain(m *testing.M) {
	originlab.SetEnvDefaults(map[string]string{"GOMAXPROCS": "1", "TF_DISABLE_PLUGIN_TLS": "1"})
	code := m.Run()
	if cliBuildDir != "" {
		_ = os.RemoveAll(cliBuildDir)
	}
	os.Exit(code)
}

// terraformCLI runs the Terraform CLI (or OpenTofu, when TF_ACC_TERRAFORM_PATH
// names it) in a temporary directory, against a provider binary built from
// this checkout and selected with a dev_overrides CLI configuration. It is for
// what terraform-plugin-testing cannot do: reading and editing the file that
// `plan -generate-config-out` writes, and planning with a state that another
// provider wrote.
type terraformCLI struct {
	t    *testing.T
	bin  string
	dir  string
	env  []string
	host string // registry host of unqualified provider addresses
}

// newTerraformCLI builds the provider and prepares an empty working
// directory. stubProviders are further provider addresses (namespace/type)
// served by a copy of this provider's binary: Terraform wants a binary for
// every provider a state names, and for a move across resource types it asks
// only the target provider about the resource, never the source.
func newTerraformCLI(t *testing.T, stubProviders ...string) *terraformCLI {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatalf("this test runs the Terraform CLI: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (%v)", err)
		}
	}
	return newTerraformCLIWith(t, bin, stubProviders...)
}

// newTerraformCLIWith is newTerraformCLI with the CLI binary given.
func newTerraformCLIWith(t *testing.T, bin string, stubProviders ...string) *terraformCLI {
	t.Helper()
	root := t.TempDir()
	pluginDir := filepath.Join(root, "plugins")
	dir := filepath.Join(root, "work")
	for _, d := range []string{pluginDir, dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	provider, err := cliProviderBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(provider, filepath.Join(pluginDir, "terraform-provider-cfaop")); err != nil {
		t.Fatal(err)
	}

	var overrides strings.Builder
	fmt.Fprintf(&overrides, "    %q = %q\n", "cfaop/cfaop", pluginDir)
	for _, addr := range stubProviders {
		d := filepath.Join(root, "stub-"+strings.ReplaceAll(addr, "/", "-"))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		name := "terraform-provider-" + addr[strings.LastIndex(addr, "/")+1:]
		if err := os.Symlink(filepath.Join(pluginDir, "terraform-provider-cfaop"), filepath.Join(d, name)); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&overrides, "    %q = %q\n", addr, d)
	}
	cliConfig := filepath.Join(root, "cli.tfrc")
	content := "provider_installation {\n  dev_overrides {\n" + overrides.String() + "  }\n  direct {}\n}\n"
	if err := os.WriteFile(cliConfig, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "TF_CLI_CONFIG_FILE", "TF_REATTACH_PROVIDERS", "PLUGIN_PROTOCOL_VERSIONS", "TF_IN_AUTOMATION", "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return &terraformCLI{t: t, bin: bin, dir: dir, env: env, host: host}
}

// run runs the CLI in the working directory and returns its combined output
// and exit code.
func (c *terraformCLI) run(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	c.t.Fatalf("%s %s: %v", c.bin, strings.Join(args, " "), err)
	return "", -1
}

// mustRun runs the CLI and fails the test unless it exits with want.
func (c *terraformCLI) mustRun(want int, args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != want {
		c.t.Fatalf("%s %s: exit code %d, want %d\n%s", filepath.Base(c.bin), strings.Join(args, " "), code, want, out)
	}
	return out
}

func (c *terraformCLI) writeFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *terraformCLI) readFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// skipBelow skips the test when the CLI is older than major.minor; OpenTofu
// and Terraform are compared by their own version numbers.
func (c *terraformCLI) skipBelow(major, minor int, why string) {
	c.t.Helper()
	out := c.mustRun(0, "version", "-json")
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		c.t.Fatalf("version -json: %v\n%s", err, out)
	}
	parts := strings.SplitN(strings.SplitN(v.TerraformVersion, "-", 2)[0], ".", 3)
	if len(parts) < 2 {
		c.t.Fatalf("cannot parse version %q", v.TerraformVersion)
	}
	gotMajor, _ := strconv.Atoi(parts[0])
	gotMinor, _ := strconv.Atoi(parts[1])
	if gotMajor < major || (gotMajor == major && gotMinor < minor) {
		c.t.Skipf("%s %s is older than %d.%d, which %s", filepath.Base(c.bin), v.TerraformVersion, major, minor, why)
	}
}

// planJSON is the part of `terraform show -json <plan>` the tests read.
type planJSON struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			Actions   []string        `json:"actions"`
			Before    map[string]any  `json:"before"`
			After     map[string]any  `json:"after"`
			Importing json.RawMessage `json:"importing"`
		} `json:"change"`
		PreviousAddress string `json:"previous_address"`
	} `json:"resource_changes"`
}

// savedPlan plans into a file and returns the plan as JSON.
func (c *terraformCLI) savedPlan() planJSON {
	c.t.Helper()
	c.mustRun(0, "plan", "-input=false", "-no-color", "-out=tfplan")
	out := c.mustRun(0, "show", "-json", "tfplan")
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		c.t.Fatalf("show -json: %v", err)
	}
	return p
}

// changedAttributes lists the top-level attributes whose planned value
// differs from the prior one.
func changedAttributes(before, after map[string]any) []string {
	var changed []string
	for k, a := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(a) {
			changed = append(changed, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			changed = append(changed, k)
		}
	}
	return changed
}

// resourceBlock finds the block `resource "<typ>" "<name>" { ... }` in
// generated configuration, which Terraform writes with the closing brace
// alone at the start of a line.
func resourceBlock(t *testing.T, config, typ, name string) string {
	t.Helper()
	block := resourceBlockPattern(typ, name).FindString(config)
	if block == "" {
		t.Fatalf("no resource %q %q in the generated configuration:\n%s", typ, name, config)
	}
	return block
}

func hasResourceBlock(config, typ, name string) bool {
	return resourceBlockPattern(typ, name).MatchString(config)
}

func resourceBlockPattern(typ, name string) *regexp.Regexp {
	return regexp.MustCompile(`(?ms)^resource "` + regexp.QuoteMeta(typ) + `" "` + regexp.QuoteMeta(name) + `" \{\n.*?^\}`)
}
