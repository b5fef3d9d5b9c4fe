package deploywait

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var fast = Schedule{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond}

// fakeObjects become ready at a set time and count the polls.
type fakeObjects struct {
	readyAt sync.Map // key -> time.Time
	polls   atomic.Int64
}

func (f *fakeObjects) check(_ context.Context, t Target) (bool, string, error) {
	f.polls.Add(1)
	at, ok := f.readyAt.Load(t.Key)
	if !ok {
		return false, "", errors.New("no such object")
	}
	if time.Now().Before(at.(time.Time)) {
		return false, "pending", nil
	}
	return true, "active", nil
}

// TestWatchSharesPolls waits for many objects of few groups at once, each
// in its own waiter, and checks the requests grow with the groups and
// objects, not with objects times polls.
func TestWatchSharesPolls(t *testing.T) {
	f := &fakeObjects{}
	w := New(Config{Schedule: fast, Check: f.check, Concurrency: 4})
	const n, groups = 60, 3
	delay := 150 * time.Millisecond
	ready := time.Now().Add(delay)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for i := range n {
		key := fmt.Sprintf("h%d", i)
		f.readyAt.Store(key, ready)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- w.Wait(context.Background(), []Target{{Key: key, Group: fmt.Sprint(i % groups)}})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	if took < delay {
		t.Fatalf("returned after %s, before the objects were ready at %s", took, delay)
	}
	// Unshared, every object would be polled about delay/Min times.
	perGroup := int64(delay/fast.Min) + 2
	if got, limit := f.polls.Load(), groups*perGroup+n; got > limit {
		t.Errorf("%d polls for %d objects in %d groups, want at most %d", got, n, groups, limit)
	}
}

func TestWatchReportsPendingOnTimeout(t *testing.T) {
	t.Parallel() // it waits out its timeout; the others need not wait for it
	f := &fakeObjects{}
	f.readyAt.Store("slow.example.com", time.Now().Add(time.Hour))
	f.readyAt.Store("quick.example.com", time.Now())
	w := New(Config{Schedule: fast, Check: f.check})
	// Long enough for both to be polled on a starved machine (CI has held
	// a test process back for more than 100 ms): the slow one must have a
	// status to report, the quick one must be done.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := w.Wait(ctx, []Target{{Key: "slow.example.com", Group: "a"}, {Key: "quick.example.com", Group: "b"}})
	var pe *PendingError
	if !errors.As(err, &pe) || len(pe.Pending) != 1 || pe.Pending[0] != "slow.example.com (pending)" {
		t.Fatalf("got %v, want one pending object with its status", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap the deadline", err)
	}
}

func TestWatchFailsOnPermanentErrorAndRetriesTransientOnes(t *testing.T) {
	transient := errors.New("503")
	var calls atomic.Int64
	w := New(Config{Schedule: fast, MaxTransient: 2,
		Transient: func(err error) bool { return errors.Is(err, transient) },
		Check: func(_ context.Context, t Target) (bool, string, error) {
			n := calls.Add(1)
			if t.Key == "flaky" && n <= 2 {
				return false, "", transient
			}
			if t.Key == "broken" {
				return false, "", errors.New("forbidden")
			}
			return true, "active", nil
		}})
	if err := w.Wait(context.Background(), []Target{{Key: "flaky"}}); err != nil {
		t.Fatalf("two transient failures then ready: %v", err)
	}
	if err := w.Wait(context.Background(), []Target{{Key: "broken"}}); err == nil || err.Error() != "broken: forbidden" {
		t.Fatalf("got %v, want the permanent error", err)
	}
}

// TestWatchReadsYoungerMembersOnlyWhenDue waits, in one call, for a group
// of objects changed one after another (as a large apply writes its
// bindings), each ready a fixed delay after its change. When the oldest is
// ready, the younger ones are not read all at once and again at every later
// turn: each object is read about once, not once per turn.
func TestWatchReadsYoungerMembersOnlyWhenDue(t *testing.T) {
	f := &fakeObjects{}
	w := New(Config{Schedule: Schedule{Min: 5 * time.Millisecond, Max: 10 * time.Millisecond}, Check: f.check, Concurrency: 2})
	const n = 40
	delay, spread := 100*time.Millisecond, 200*time.Millisecond
	start := time.Now()
	targets := make([]Target, n)
	for i := range n {
		changed := start.Add(-spread + time.Duration(i)*spread/n)
		key := fmt.Sprintf("h%02d", i)
		f.readyAt.Store(key, changed.Add(delay+spread))
		targets[i] = Target{Key: key, Group: "g", Since: changed}
	}
	if err := w.Wait(context.Background(), targets); err != nil {
		t.Fatal(err)
	}
	// Reading every pending member at each turn costs about n polls per
	// turn over the spread's turns; in order, about one per object plus
	// one batch and the oldest's poll per turn.
	turns := int64(spread/(5*time.Millisecond)) + 2
	if got, limit := f.polls.Load(), int64(n)+3*turns; got > limit {
		t.Errorf("%d polls for %d objects changed over %s, want at most %d", got, n, spread, limit)
	}
	// Objects that started waiting together are all read once the oldest
	// is ready (no order among them to rely on).
	g := &fakeObjects{}
	w = New(Config{Schedule: fast, Check: g.check, Concurrency: 2})
	ready := time.Now().Add(30 * time.Millisecond)
	same := make([]Target, 6)
	for i := range same {
		key := fmt.Sprintf("s%d", i)
		at := ready
		if i == 5 {
			at = ready.Add(-time.Hour) // only the last in key order is ready early
		}
		g.readyAt.Store(key, at)
		same[i] = Target{Key: key, Group: "g"}
	}
	if err := w.Wait(context.Background(), same); err != nil {
		t.Fatal(err)
	}
}

// TestWatchKeepsGroupsInStep waits for three groups: one whose polls are
// slow, and one that starts waiting a little after the others. Their
// polls stay together, so objects of a zone are seen ready at the same
// moment and Terraform starts the next writes together: rescheduled from
// the end of its own poll, the slow group would drift a poll's duration
// each turn, and the late one would keep its own rhythm.
func TestWatchKeepsGroupsInStep(t *testing.T) {
	t.Parallel()
	const minWait, slowPoll, tolerance = 60 * time.Millisecond, 20 * time.Millisecond, 15 * time.Millisecond
	var (
		mu    sync.Mutex
		polls = map[string][]time.Time{}
	)
	ready := time.Now().Add(600 * time.Millisecond)
	w := New(Config{Schedule: Schedule{Min: minWait, Max: minWait}, Concurrency: 4,
		Check: func(_ context.Context, tg Target) (bool, string, error) {
			mu.Lock()
			polls[tg.Group] = append(polls[tg.Group], time.Now())
			mu.Unlock()
			if tg.Group == "slow" {
				time.Sleep(slowPoll)
			}
			return !time.Now().Before(ready), "", nil
		}})
	var wg sync.WaitGroup
	wait := func(group string) {
		defer wg.Done()
		if err := w.Wait(context.Background(), []Target{{Key: group + ".example.com", Group: group}}); err != nil {
			t.Error(err)
		}
	}
	wg.Add(3)
	go wait("slow")
	go wait("quick")
	time.Sleep(minWait * 6 / 10)
	go wait("late")
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	for group, times := range polls {
		for _, at := range times {
			for other, theirs := range polls {
				if other == group || at.After(theirs[len(theirs)-1].Add(tolerance)) {
					continue // the other group was already done
				}
				near := false
				for _, o := range theirs {
					if d := at.Sub(o); d > -tolerance && d < tolerance {
						near = true
					}
				}
				if !near {
					t.Fatalf("group %q polled at +%s with no poll of %q within %s: polls %v", group, at.Sub(ready.Add(-600*time.Millisecond)), other, tolerance, polls)
				}
			}
		}
	}
}
