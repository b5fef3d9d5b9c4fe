package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Polling starts fast and backs off, so an object that becomes active after
// 2 seconds costs three reads, and a slow one does not burn the rate limit.
const (
	pollFirst = 500 * time.Millisecond
	pollMax   = 15 * time.Second
)

// waitFor polls check until it reports done, fails, or ctx ends. what names
// the object in logs and in the timeout error.
func waitFor(ctx context.Context, what string, check func(ctx context.Context) (done bool, status string, err error)) (string, error) {
	delay := pollFirst
	status := ""
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return status, fmt.Errorf("timed out waiting for %s (last status %q): %w", what, status, ctx.Err())
		case <-time.After(delay):
		}
		done, st, err := check(ctx)
		status = st
		tflog.Debug(ctx, "Polled status", map[string]any{"object": what, "status": st, "attempt": attempt})
		if err != nil || done {
			return status, err
		}
		delay = min(delay*2, pollMax)
	}
}
