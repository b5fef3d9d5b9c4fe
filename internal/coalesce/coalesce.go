// Package coalesce merges concurrent hostname binding writes for one zone
// into a single PUT. Terraform creates resources in parallel; Cloudflare
// accepts many associations per request and rate-limits requests, so one
// request per batch instead of one per binding keeps large zones far below
// the limit. Every caller still gets its own result and its own error.
package coalesce

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// PutFunc sends one batch of changes for a zone. The API applies all or none.
type PutFunc func(ctx context.Context, zoneID string, changes []cfapi.BindingChange) ([]cfapi.Binding, error)

// Coalescer batches binding changes per zone.
type Coalescer struct {
	put      PutFunc
	window   time.Duration
	maxWait  time.Duration // a batch is sent at the latest this long after it opened
	maxBatch int
	timeout  time.Duration

	mu   sync.Mutex
	open map[string]*batch
}

type result struct {
	binding cfapi.Binding
	err     error
}

type batch struct {
	zoneID  string
	ctx     context.Context
	changes []cfapi.BindingChange
	waiters []chan result
	hosts   map[string]bool
	timer   *time.Timer
	opened  time.Time
}

// New returns a coalescer that sends a batch once no change has arrived for
// window (but at most 5 windows after the first change), or as soon as it
// holds maxBatch changes.
func New(put PutFunc, window time.Duration, maxBatch int) *Coalescer {
	if maxBatch < 1 {
		maxBatch = 1
	}
	return &Coalescer{put: put, window: window, maxWait: 5 * window, maxBatch: maxBatch, timeout: 5 * time.Minute, open: map[string]*batch{}}
}

// Submit queues a change and waits for the result of the batch it was sent in.
func (c *Coalescer) Submit(ctx context.Context, zoneID string, change cfapi.BindingChange) (cfapi.Binding, error) {
	ch := make(chan result, 1)
	c.mu.Lock()
	b := c.open[zoneID]
	// A hostname appears at most once per request, or the API would have to
	// pick one of two conflicting changes.
	if b != nil && b.hosts[change.Hostname] {
		c.flushLocked(b)
		b = nil
	}
	if b == nil {
		// The batch outlives any single caller's cancellation but keeps its log fields.
		b = &batch{zoneID: zoneID, ctx: context.WithoutCancel(ctx), hosts: map[string]bool{}, opened: time.Now()}
		c.open[zoneID] = b
		b.timer = time.AfterFunc(c.window, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.open[zoneID] == b {
				c.flushLocked(b)
			}
		})
	}
	b.changes = append(b.changes, change)
	b.waiters = append(b.waiters, ch)
	b.hosts[change.Hostname] = true
	switch {
	case len(b.changes) >= c.maxBatch:
		c.flushLocked(b)
	case time.Since(b.opened) < c.maxWait:
		// Terraform starts the next resources one by one as others finish,
		// and more slowly on a loaded machine: wait for writes to stop
		// arriving, not a fixed time after the first one. The restart never
		// goes past maxWait, so the first change waits at most that long.
		b.timer.Reset(min(c.window, c.maxWait-time.Since(b.opened)))
	}
	c.mu.Unlock()

	select {
	case r := <-ch:
		return r.binding, r.err
	case <-ctx.Done():
		return cfapi.Binding{}, ctx.Err()
	}
}

// flushLocked closes the batch to new changes and sends it in the background.
func (c *Coalescer) flushLocked(b *batch) {
	b.timer.Stop()
	if c.open[b.zoneID] == b {
		delete(c.open, b.zoneID)
	}
	go c.send(b)
}

func (c *Coalescer) send(b *batch) {
	ctx, cancel := context.WithTimeout(b.ctx, c.timeout)
	defer cancel()
	tflog.Debug(ctx, "Sending coalesced hostname associations", map[string]any{"zone_id": b.zoneID, "batch_size": len(b.changes)})
	results := c.sendOrSplit(ctx, b.zoneID, b.changes)
	for i, w := range b.waiters {
		w <- results[i]
	}
}

// sendOrSplit sends changes together. When Cloudflare rejects the request as
// a whole (it applies all or nothing), the halves are sent separately, so the
// valid changes are applied and each invalid one gets its own error.
func (c *Coalescer) sendOrSplit(ctx context.Context, zoneID string, changes []cfapi.BindingChange) []result {
	out := make([]result, len(changes))
	bindings, err := c.put(ctx, zoneID, changes)
	if err == nil {
		byHost := make(map[string]cfapi.Binding, len(bindings))
		for _, bd := range bindings {
			byHost[bd.Hostname] = bd
		}
		for i, ch := range changes {
			bd, ok := byHost[ch.Hostname]
			if !ok {
				// Removal answers may omit the hostname; the change itself was accepted.
				bd = cfapi.Binding{Hostname: ch.Hostname, CertID: ch.CertID, Enabled: ch.Enabled}
			}
			out[i] = result{binding: bd}
		}
		return out
	}
	if len(changes) == 1 || !splittable(err) {
		for i := range out {
			out[i] = result{err: err}
		}
		return out
	}
	tflog.Debug(ctx, "Batch rejected; sending halves separately to isolate the invalid change", map[string]any{"zone_id": zoneID, "batch_size": len(changes)})
	mid := len(changes) / 2
	copy(out[:mid], c.sendOrSplit(ctx, zoneID, changes[:mid]))
	copy(out[mid:], c.sendOrSplit(ctx, zoneID, changes[mid:]))
	return out
}

// splittable reports whether the whole request was refused for its content
// (a 4xx other than auth and rate limiting), so smaller requests may pass.
func splittable(err error) bool {
	if errors.Is(err, cfapi.ErrInvalidID) {
		return true // refused by the client before sending: one change is malformed
	}
	var apiErr *cfapi.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	s := apiErr.StatusCode
	return s >= 400 && s < 500 && s != 401 && s != 403 && s != 429
}

// String describes the coalescer's settings for logs.
func (c *Coalescer) String() string {
	return fmt.Sprintf("coalesce(window=%s, max=%d)", c.window, c.maxBatch)
}
