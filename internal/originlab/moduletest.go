package originlab

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
)

// ModuleTest copies a module to dir (so no .terraform lands in the
// repository) and runs its `terraform test` files against the lab.
func (l *Lab) ModuleTest(ctx context.Context, moduleDir, dir string) (string, error) {
	if err := CopyTree(moduleDir, dir); err != nil {
		return "", err
	}
	ws := &Workspace{lab: l, Dir: dir}
	if out, err := ws.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
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
