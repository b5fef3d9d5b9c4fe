package originlab

import (
	"context"
	"os"
	"path/filepath"
)

// Plan runs init (once) and plan with the given variable file contents and
// returns the plan's output, warnings included.
func (w *Workspace) Plan(ctx context.Context, tfvarsJSON map[string]any) (string, error) {
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform")); err != nil {
		if _, err := w.Run(ctx, "init", "-input=false", "-no-color"); err != nil {
			return "", err
		}
	}
	if err := w.writeVars(tfvarsJSON); err != nil {
		return "", err
	}
	return w.Run(ctx, "plan", "-input=false", "-no-color", "-var-file=lab.tfvars.json")
}
