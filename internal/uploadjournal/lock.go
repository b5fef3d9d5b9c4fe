package uploadjournal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// lockRetry is how often a waiting writer tries the lock again: the journal
// is held only while a small file is read and rewritten.
const lockRetry = 5 * time.Millisecond

// lockFile takes an exclusive lock on path (flock on Unix, LockFileEx on
// Windows), waiting up to wait, and returns the function that releases it.
// The operating system releases the lock when the process ends, however it
// ends, so a killed run never leaves the journal locked and no lock is ever
// taken over.
func lockFile(ctx context.Context, path string, wait time.Duration) (func(), error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	ok, err := l.TryLockContext(waitCtx, lockRetry)
	if ok {
		return func() { _ = l.Unlock() }, nil
	}
	// Not locked: flock has already closed the file it opened for the try.
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: still held by another process after %s", path, wait)
	}
	return nil, fmt.Errorf("lock %s: %w", path, err)
}
