package uploadjournal

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaserBuild is the part of a .goreleaser.yml build that picks targets.
type goreleaserBuild struct {
	Goos   []string           `yaml:"goos"`
	Goarch []string           `yaml:"goarch"`
	Goarm  []string           `yaml:"goarm"`
	Ignore []goreleaserIgnore `yaml:"ignore"`
}

// goreleaserIgnore drops the targets it matches; an empty field matches all.
type goreleaserIgnore struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
	Goarm  string `yaml:"goarm"`
}

// releaseTarget is one platform a release ships a binary for.
type releaseTarget struct{ goos, goarch, goarm string }

func (r releaseTarget) String() string {
	s := r.goos + "_" + r.goarch
	if r.goarm != "" {
		s += "_" + r.goarm
	}
	return s
}

// releaseTargets expands the builds of the repository's .goreleaser.yml the
// way goreleaser does, goarm defaulting to 6 as in goreleaser's defaults.
func releaseTargets(t *testing.T) []releaseTarget {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Builds []goreleaserBuild `yaml:"builds"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf(".goreleaser.yml: %v", err)
	}
	var targets []releaseTarget
	for _, b := range cfg.Builds {
		goarms := b.Goarm
		if len(goarms) == 0 {
			goarms = []string{"6"}
		}
		for _, goos := range b.Goos {
			for _, goarch := range b.Goarch {
				arms := []string{""}
				if goarch == "arm" {
					arms = goarms
				}
				for _, goarm := range arms {
					ignored := slices.ContainsFunc(b.Ignore, func(i goreleaserIgnore) bool {
						return (i.Goos == "" || i.Goos == goos) && (i.Goarch == "" || i.Goarch == goarch) && (i.Goarm == "" || i.Goarm == goarm)
					})
					if !ignored {
						targets = append(targets, releaseTarget{goos, goarch, goarm})
					}
				}
			}
		}
	}
	if len(targets) == 0 {
		t.Fatal(".goreleaser.yml lists no build targets")
	}
	return targets
}

// Every platform a release ships must build the lock: a platform where the
// lock (or the journal around it) does not compile fails here, not at
// release time. The package and its tests are type-checked and vetted for
// each target; the tests themselves run on the machine running this one.
func TestReleaseTargetsCompile(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to cross-compile: %v", err)
	}
	out, err := exec.Command(goTool, "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	supported := strings.Fields(string(out))
	for _, target := range releaseTargets(t) {
		t.Run(target.String(), func(t *testing.T) {
			if !slices.Contains(supported, target.goos+"/"+target.goarch) {
				t.Skipf("Go does not support %s/%s, so goreleaser builds nothing for it", target.goos, target.goarch)
			}
			vet := exec.Command(goTool, "vet", "-trimpath", ".")
			vet.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+target.goos, "GOARCH="+target.goarch)
			if target.goarm != "" {
				vet.Env = append(vet.Env, "GOARM="+target.goarm)
			}
			if out, err := vet.CombinedOutput(); err != nil {
				t.Fatalf("go vet for %s: %v\n%s", target, err, out)
			}
		})
	}
}
