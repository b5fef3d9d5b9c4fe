package originlab

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
)

// ModuleTest copies a module to dir (so no .terraform lands in the
// repository) and runs its `terraform test` files against the lab, with the
// provider from the filesystem mirror after `init`.
func (l *Lab) ModuleTest(ctx context.Context, moduleDir, dir string) (string, error) {
	return l.ModuleTestWith(ctx, ModuleTestRun{}, moduleDir, dir)
}

// ModuleTestRun says how a module test runs: with which CLI (default the
// lab's Terraform; OpenTofu works too), and whether the provider comes from
// dev_overrides, where `init` fails for the overridden provider, so only
// `get` installs the test's setup modules.
type ModuleTestRun struct {
	CLI          string
	DevOverrides bool
}

// ModuleTestWith is ModuleTest with the CLI and installation of r.
func (l *Lab) ModuleTestWith(ctx context.Context, r ModuleTestRun, moduleDir, dir string) (string, error) {
	if err := CopyTree(moduleDir, dir); err != nil {
		return "", err
	}
	ws := &Workspace{lab: l, Dir: dir, CLI: r.CLI, DevOverrides: r.DevOverrides}
	prepare := []string{"init", "-input=false", "-no-color"}
	if r.DevOverrides {
		prepare = []string{"get", "-no-color"}
	}
	if out, err := ws.Run(ctx, prepare...); err != nil {
		return out, err
	}
	return ws.Run(ctx, "test", "-no-color")
}

// CopyTree copies a directory of Terraform files, leaving out .terraform.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}
