// Package pause waits for a duration unless a context ends first: the one
// sleep that retries, polls and the emulator's latency share.
package pause

import (
	"context"
	"time"
)

// For waits for d, or until ctx is done, and returns ctx's error in that
// case. A d of zero or less returns at once, with ctx's error if it is done.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
