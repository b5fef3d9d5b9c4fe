package originlab

import (
	"errors"
	"os"
	"os/exec"
)

// unwrapExit returns the exit code of a failed command.
func unwrapExit(err error) (int, bool) {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), true
	}
	return 0, false
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o755) }
