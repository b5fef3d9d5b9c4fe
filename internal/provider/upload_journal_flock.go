//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// lockFile takes an exclusive flock on path, waiting up to wait. The kernel
// releases it when the process dies, so a killed run never leaves it held.
func lockFile(ctx context.Context, path string, wait time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: still held by another process after %s", path, wait)
		}
		if err := pause.For(ctx, 5*time.Millisecond); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
}
