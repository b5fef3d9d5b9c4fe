package cfapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// conflictAttempts bounds how often one certificate upload or delete is sent
// while Cloudflare answers 409; the operation's timeout bounds it too.
const conflictAttempts = 8

// retryConflict sends a certificate write again while Cloudflare refuses it
// with HTTP 409: Cloudflare does so when another zone-certificate upload or
// delete in the same zone is in progress (observed), and a refused write was
// not applied, so sending it again is safe even for a POST. Waits double from
// the client's minimum backoff, with jitter so that parallel writers of one
// zone spread out.
func (c *Client) retryConflict(ctx context.Context, op string, write func() error) error {
	for attempt := 1; ; attempt++ {
		err := write()
		if !IsConflict(err) {
			return err
		}
		if attempt >= conflictAttempts {
			return fmt.Errorf("%w (refused %d times: another certificate write in the zone kept it busy)", err, attempt)
		}
		wait := c.conflictBackoff(attempt)
		tflog.Warn(ctx, "Another certificate write in the zone is in progress; repeating the refused request", map[string]any{
			"operation": op, "attempt": attempt, "retry_in_ms": wait.Milliseconds(),
		})
		if serr := pause.For(ctx, wait); serr != nil {
			return fmt.Errorf("%w (not repeated: %v)", err, serr)
		}
	}
}

// conflictBackoff is the wait after the attempt-th 409: between half and all
// of minBackoff doubled per attempt, capped by maxBackoff.
func (c *Client) conflictBackoff(attempt int) time.Duration {
	d := min(c.cfg.MinBackoff<<min(attempt-1, 16), c.cfg.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
