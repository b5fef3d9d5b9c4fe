package originlab

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `make install` gives a version that `terraform init` (and `tofu init`)
// pick for `source = "cfaop/cfaop"` with no version pin and no CLI
// configuration: a plain version in the plugin directory both search.
func TestInstall_makeInstallThenInitWithoutPin(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 (make test does)")
	}
	root, _ := filepath.Abs("../..")
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	mk := exec.CommandContext(ctx, "make", "-C", root, "install", "HOME="+home)
	// Only the plugin directory moves to the new HOME: the build keeps the
	// machine's Go caches, which a cold HOME would rebuild from nothing.
	goVars := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"}
	goEnv, err := exec.CommandContext(ctx, "go", append([]string{"env"}, goVars...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	values := strings.Split(strings.TrimRight(string(goEnv), "\n"), "\n")
	if len(values) != len(goVars) {
		t.Fatalf("go env %v printed %q", goVars, goEnv)
	}
	// All cores for the build: TestMain sets one P for Terraform.
	mk.Env = append(os.Environ(), "GOMAXPROCS=")
	for i, name := range goVars {
		mk.Env = append(mk.Env, name+"="+values[i])
	}
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	emptyConfig := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(emptyConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clis := map[string]string{"terraform": "/usr/local/bin/terraform"}
	if p, err := exec.LookPath("terraform"); err == nil {
		clis["terraform"] = p
	}
	if tofu := os.Getenv("CFAOP_TOFU"); tofu != "" {
		clis["tofu"] = tofu
	}
	for name, cli := range clis {
		dir := t.TempDir()
		cfg := "terraform {\n  required_providers {\n    cfaop = { source = \"cfaop/cfaop\" }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, cli, "-chdir="+dir, "init", "-input=false", "-no-color")
		cmd.Env = append(os.Environ(), "HOME="+home, "TF_CLI_CONFIG_FILE="+emptyConfig, "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Installed cfaop/cfaop v0.1.0") {
			t.Errorf("%s init after make install: %v\n%s", name, err, out)
		}
	}
}
