package deploywait

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Target is one object to wait for.
type Target struct {
	// Key names the object (a hostname).
	Key string
	// Group holds objects expected to become ready together, such as the
	// hostnames moved to one certificate: one poll of the group's longest
	// waiting member stands for all of them until it is ready, and only
	// then are the others checked, oldest first.
	Group string
	// Since is when the object was last changed, if the caller knows
	// (zero: when the wait starts). It orders a group's members: one
	// changed later is not ready before one changed earlier, give or
	// take Cloudflare's jitter.
	Since time.Time
}

// Check polls one object: done when it is ready, status for logs and
// errors. An error fails the wait of that object, unless Transient says
// it is worth polling again.
type Check func(ctx context.Context, t Target) (done bool, status string, err error)

// Config configures a Watch.
type Config struct {
	Schedule Schedule
	Check    Check
	// Transient reports whether a failed poll may be repeated; at most
	// MaxTransient polls of one object in a row may fail that way.
	Transient    func(error) bool
	MaxTransient int
	// Concurrency bounds the polls of a Watch in flight at once, however
	// many groups are due together.
	Concurrency int
}

// Watch polls the objects its callers wait for, sharing polls among them:
// any number of waiters for objects of one group cost one request per
// scheduled poll, plus one per object when the group turns ready. A
// Watch runs its polling goroutine only while someone waits.
type Watch struct {
	cfg     Config
	mu      sync.Mutex
	entries map[string]*entry // by group and key
	groups  map[string]*group
	running bool
	kick    chan struct{}
	polling chan struct{} // one slot per poll in flight (Concurrency)
}

type entry struct {
	target  Target
	since   time.Time
	status  string
	failed  int
	waiters int
	done    chan struct{}
	err     error
}

type group struct {
	members map[string]*entry
	next    time.Time
}

// New returns a Watch.
func New(cfg Config) *Watch {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	return &Watch{cfg: cfg, entries: map[string]*entry{}, groups: map[string]*group{}, kick: make(chan struct{}, 1),
		polling: make(chan struct{}, cfg.Concurrency)}
}

func entryKey(t Target) string { return t.Group + "\x00" + t.Key }

// PendingError is a wait that ended before every object was ready.
type PendingError struct {
	Pending []string // "key (last status)", sorted
	Cause   error
}

func (e *PendingError) Error() string {
	shown := e.Pending
	more := ""
	if len(shown) > 10 {
		more = fmt.Sprintf(" and %d more", len(shown)-10)
		shown = shown[:10]
	}
	return fmt.Sprintf("%d not ready: %s%s: %v", len(e.Pending), strings.Join(shown, ", "), more, e.Cause)
}

func (e *PendingError) Unwrap() error { return e.Cause }

// Wait returns once every target is ready, with the first failure of one,
// or with a *PendingError when ctx ends first. The polls run with ctx's
// values (its logger) but outlive it while other waiters need them.
func (w *Watch) Wait(ctx context.Context, targets []Target) error {
	if len(targets) == 0 {
		return nil
	}
	mine := w.register(ctx, targets)
	defer w.release(mine)
	for _, e := range mine {
		select {
		case <-e.done:
		case <-ctx.Done():
			return w.pending(mine, ctx.Err())
		}
	}
	for _, e := range mine {
		if e.err != nil {
			return e.err
		}
	}
	return nil
}

func (w *Watch) register(ctx context.Context, targets []Target) []*entry {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	mine := make([]*entry, 0, len(targets))
	seen := map[string]bool{}
	for _, t := range targets {
		k := entryKey(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		e := w.entries[k]
		if e == nil {
			since := now
			if !t.Since.IsZero() && t.Since.Before(now) {
				since = t.Since
			}
			e = &entry{target: t, since: since, done: make(chan struct{})}
			w.entries[k] = e
			g := w.groups[t.Group]
			if g == nil {
				g = &group{members: map[string]*entry{}, next: w.firstPollLocked(now)}
				w.groups[t.Group] = g
			}
			g.members[t.Key] = e
		}
		e.waiters++
		mine = append(mine, e)
	}
	if !w.running {
		w.running = true
		go w.run(context.WithoutCancel(ctx))
	} else {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
	return mine
}

// release forgets the entries no one waits for any longer.
func (w *Watch) release(mine []*entry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range mine {
		e.waiters--
		if e.waiters > 0 {
			continue
		}
		w.forgetLocked(e)
	}
}

func (w *Watch) forgetLocked(e *entry) {
	k := entryKey(e.target)
	if w.entries[k] != e {
		return
	}
	delete(w.entries, k)
	if g := w.groups[e.target.Group]; g != nil {
		delete(g.members, e.target.Key)
		if len(g.members) == 0 {
			delete(w.groups, e.target.Group)
		}
	}
}

func (w *Watch) pending(mine []*entry, cause error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, e := range mine {
		select {
		case <-e.done:
			continue
		default:
		}
		st := e.status
		if st == "" {
			st = "not polled yet"
		}
		out = append(out, fmt.Sprintf("%s (%s)", e.target.Key, st))
	}
	sort.Strings(out)
	return &PendingError{Pending: out, Cause: cause}
}

// firstPollLocked is when a new group is first polled: with the latest
// poll of another group due within the schedule's first wait, if any, so
// groups keep one rhythm and the objects of a zone are seen ready together
// (Terraform then starts the next writes together, and they share a
// request). That costs at most one early poll per group, and a group is
// never polled later than the schedule says.
func (w *Watch) firstPollLocked(now time.Time) time.Time {
	at := now.Add(w.cfg.Schedule.Next(0))
	var joined time.Time
	for _, g := range w.groups {
		if g.next.After(now) && !g.next.After(at) && g.next.After(joined) {
			joined = g.next
		}
	}
	if !joined.IsZero() {
		return joined
	}
	return at
}

// run polls due groups until no one waits. Groups due within a quarter of
// the schedule's shortest wait are polled together, at once: polled one
// after another, each would be rescheduled from a later instant and the
// groups would drift apart.
func (w *Watch) run(ctx context.Context) {
	for {
		w.mu.Lock()
		if len(w.entries) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		now := time.Now()
		soon := now.Add(w.cfg.Schedule.Min / 4)
		next := now.Add(w.cfg.Schedule.Max)
		var due []string
		for name, g := range w.groups {
			if !g.next.After(soon) {
				due = append(due, name)
			} else if g.next.Before(next) {
				next = g.next
			}
		}
		w.mu.Unlock()
		if len(due) > 0 {
			w.pollGroups(ctx, now, due)
			continue
		}
		t := time.NewTimer(next.Sub(now))
		select {
		case <-t.C:
		case <-w.kick:
			t.Stop()
		}
	}
}

// pollGroups polls the named groups side by side and returns when all are
// done; poll bounds the requests in flight.
func (w *Watch) pollGroups(ctx context.Context, started time.Time, names []string) {
	sort.Strings(names)
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.pollGroup(ctx, name, started)
		}()
	}
	wg.Wait()
}

// pollGroup polls the group's longest waiting member; when it is ready,
// the others are checked once each, oldest first, a batch at a time. The
// check stops after a batch in which a member changed later than the
// ready one is not ready yet: younger members are then not ready either,
// and reading them now would only be repeated (a large apply writes its
// bindings over many seconds). Members that started waiting together
// with the ready one are all checked.
func (w *Watch) pollGroup(ctx context.Context, name string, started time.Time) {
	w.mu.Lock()
	g := w.groups[name]
	if g == nil {
		w.mu.Unlock()
		return
	}
	members := pendingMembers(g)
	w.mu.Unlock()
	if len(members) == 0 {
		w.reschedule(name, started)
		return
	}
	if w.poll(ctx, members[0]) {
		w.checkYounger(ctx, members[0].since, members[1:])
	}
	w.reschedule(name, started)
}

// checkYounger polls members (oldest first) in batches of the configured
// concurrency, stopping after a batch where a member younger than ready
// (its since after it) is not ready.
func (w *Watch) checkYounger(ctx context.Context, ready time.Time, members []*entry) {
	batch := max(w.cfg.Concurrency, 1)
	for len(members) > 0 {
		n := min(batch, len(members))
		results := make([]bool, n)
		var wg sync.WaitGroup
		for i, e := range members[:n] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = w.poll(ctx, e)
			}()
		}
		wg.Wait()
		for i, ok := range results {
			if !ok && members[i].since.After(ready) {
				return
			}
		}
		members = members[n:]
	}
}

// pendingMembers lists the members not finished, longest waiting first.
func pendingMembers(g *group) []*entry {
	var out []*entry
	for _, e := range g.members {
		select {
		case <-e.done:
		default:
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].since.Equal(out[j].since) {
			return out[i].since.Before(out[j].since)
		}
		return out[i].target.Key < out[j].target.Key
	})
	return out
}

// reschedule sets the group's next poll from its longest waiting member,
// counted from when the round of polls started (not when this group's
// poll ended), so groups polled together stay together. A poll slower
// than the wait is followed by the next one after half the shortest wait.
func (w *Watch) reschedule(name string, started time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.groups[name]
	if g == nil {
		return
	}
	wait := w.cfg.Schedule.Next(0)
	if members := pendingMembers(g); len(members) > 0 {
		wait = w.cfg.Schedule.Next(started.Sub(members[0].since))
	}
	g.next = started.Add(wait)
	if soonest := time.Now().Add(w.cfg.Schedule.Min / 2); g.next.Before(soonest) {
		g.next = soonest
	}
}

// poll checks one entry and reports whether it is ready.
func (w *Watch) poll(ctx context.Context, e *entry) bool {
	w.polling <- struct{}{}
	done, status, err := w.cfg.Check(ctx, e.target)
	<-w.polling
	w.mu.Lock()
	defer w.mu.Unlock()
	if status != "" {
		e.status = status
	}
	select {
	case <-e.done:
		return true
	default:
	}
	switch {
	case err != nil && w.cfg.Transient != nil && w.cfg.Transient(err) && e.failed < w.cfg.MaxTransient:
		e.failed++
		return false
	case err != nil:
		e.err = fmt.Errorf("%s: %w", e.target.Key, err)
	case !done:
		e.failed = 0
		return false
	}
	close(e.done)
	// Finished entries leave the watch: a later wait for the same object
	// polls it afresh.
	w.forgetLocked(e)
	return err == nil
}
