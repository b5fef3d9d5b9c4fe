package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/deploywait"
)

// pollsUntil counts the polls that waitFor makes for an object that is done
// settleAfter after the write, and when the last one happens.
func pollsUntil(settleAfter time.Duration) (int, time.Duration) {
	var elapsed time.Duration
	sched := defaultPollSchedule.deploy()
	for attempt := 1; ; attempt++ {
		elapsed += sched.Next(elapsed)
		if elapsed >= settleAfter {
			return attempt, elapsed
		}
	}
}

// An object is seen within max(1 s, a tenth of its delay), and a slow one
// costs about two polls a minute.
func TestPollSchedule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		settle   time.Duration
		maxPolls int
	}{
		{0, 1},
		{2 * time.Second, 2},
		{10 * time.Second, 10},
		{30 * time.Second, 22},
		{time.Minute, 29},
		{10 * time.Minute, 56}, // then one poll per 30 s
	} {
		polls, seen := pollsUntil(c.settle)
		if late, bound := seen-c.settle, max(time.Second, c.settle/10); late > bound {
			t.Errorf("an object done after %s is seen %s late, want at most %s", c.settle, late, bound)
		}
		if polls > c.maxPolls {
			t.Errorf("an object done after %s costs %d polls, want at most %d", c.settle, polls, c.maxPolls)
		}
	}
}

// A refused redirect or a refused ID would fail the same way again: a status
// poll stops at once instead of repeating it; a server error is repeated.
func TestTransientPollError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.RedirectHandler("http://localhost:1/elsewhere", http.StatusTemporaryRedirect))
	t.Cleanup(srv.Close)
	client, err := cfapi.New(cfapi.Config{APIToken: "t", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, redirected := client.GetCertificate(ctx, cfapi.HostnameCertificate, moveTestZoneID, moveTestCertID)
	_, invalid := client.GetCertificate(ctx, cfapi.HostnameCertificate, moveTestZoneID, "../x")
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"redirect":    {redirected, false},
		"invalid ID":  {invalid, false},
		"HTTP 503":    {&cfapi.APIError{StatusCode: http.StatusServiceUnavailable}, true},
		"HTTP 404":    {&cfapi.APIError{StatusCode: http.StatusNotFound}, false},
		"broken link": {errors.New("read: connection reset by peer"), true},
	} {
		if c.err == nil {
			t.Fatalf("%s: no error", name)
		}
		if got := transientPollError(c.err); got != c.want {
			t.Errorf("%s (%v): transient %v, want %v", name, c.err, got, c.want)
		}
	}
}

// Tests shorten the schedule; an unset schedule is the users' one.
func TestPollSchedule_short(t *testing.T) {
	t.Parallel()
	s := pollSchedule{first: 50 * time.Millisecond, max: 200 * time.Millisecond}
	if got, want := s.deploy(), (deploywait.Schedule{Min: s.first, Max: s.max}); got != want {
		t.Errorf("short schedule polls on %+v, want %+v", got, want)
	}
	if got := (pollSchedule{}).deploy(); got != deploywait.Users {
		t.Errorf("unset schedule polls on %+v, want the users' %+v", got, deploywait.Users)
	}
	if s.orDefault() != s || (pollSchedule{}).orDefault() != defaultPollSchedule {
		t.Error("orDefault must keep a set schedule and give users pollFirst and pollMax")
	}
}

// A provider built without the link-time value (as every release is) polls
// on the users' schedule.
func TestLinkedPollSchedule(t *testing.T) {
	// Not parallel: it sets the package variable the linker would.
	for _, c := range []struct {
		value string
		want  pollSchedule
		panic bool
	}{
		{"", pollSchedule{}, false},
		{"50ms,200ms", pollSchedule{first: 50 * time.Millisecond, max: 200 * time.Millisecond}, false},
		{"50ms", pollSchedule{}, true},
		{"0s,1s", pollSchedule{}, true},
		{"1s,50ms", pollSchedule{}, true},
	} {
		t.Run(c.value, func(t *testing.T) {
			old := testPollSchedule
			testPollSchedule = c.value
			defer func() {
				testPollSchedule = old
				if r := recover(); (r != nil) != c.panic {
					t.Errorf("panic %v, want panic %v", r, c.panic)
				}
			}()
			if got := linkedPollSchedule(); got != c.want {
				t.Errorf("schedule %+v, want %+v", got, c.want)
			}
			if got := New("test")().(*cfaopProvider).poll.orDefault(); c.value == "" && got != defaultPollSchedule {
				t.Errorf("a release build polls on %+v, want %+v", got, defaultPollSchedule)
			}
		})
	}
}

// A wait cut off by its deadline wraps context.DeadlineExceeded, whether the
// deadline passes between polls or during one, so callers recognise a
// timeout with errors.Is instead of by its wording.
func TestWaitForDeadline(t *testing.T) {
	t.Parallel()
	s := pollSchedule{first: time.Millisecond, max: time.Millisecond}
	for name, check := range map[string]func(ctx context.Context) (bool, string, error){
		"between polls": func(context.Context) (bool, string, error) { return false, "pending", nil },
		"during a poll": func(ctx context.Context) (bool, string, error) {
			<-ctx.Done()
			return false, "pending", ctx.Err()
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Long enough for a first poll on a starved machine (20 ms was
			// not: the deadline came before any poll, so no status; CI has
			// held a test process back for more than 100 ms).
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			status, err := s.waitFor(ctx, "the object", check)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("want an error wrapping context.DeadlineExceeded, got %v", err)
			}
			if status != "pending" {
				t.Errorf("last status %q, want pending", status)
			}
		})
	}
}
