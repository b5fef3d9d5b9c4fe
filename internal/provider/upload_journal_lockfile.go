//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// lockStale is how old a lock file must be before it is taken over: the
// journal is held for milliseconds, so an older file was left by a process
// that was killed while holding it.
const lockStale = 30 * time.Second

// lockFile creates path exclusively, waiting up to wait; the returned
// function removes it. Used where flock is not available (Windows).
func lockFile(ctx context.Context, path string, wait time.Duration) (func(), error) {
	deadline := time.Now().Add(wait)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_ = f.Close()
			return func() { _ = os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > lockStale {
			_ = os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock %s: still held by another process after %s", path, wait)
		}
		if err := pause.For(ctx, 5*time.Millisecond); err != nil {
			return nil, err
		}
	}
}
