package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// pollsUntil counts the polls that waitFor makes for an object that is done
// settleAfter after the write.
func pollsUntil(settleAfter time.Duration) int {
	var elapsed time.Duration
	for attempt := 1; ; attempt++ {
		elapsed += defaultPollSchedule.delay(attempt)
		if elapsed >= settleAfter {
			return attempt
		}
	}
}

func TestPollSchedule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		settle time.Duration
		polls  int
	}{
		{0, 1},
		{2 * time.Second, 1},
		{3 * time.Second, 2},
		{4 * time.Second, 2},
		{10 * time.Second, 4},
		{time.Minute, 7},
		{10 * time.Minute, 43}, // 31 s, then one poll per 15 s
	} {
		if got := pollsUntil(c.settle); got != c.polls {
			t.Errorf("an object done after %s costs %d polls, want %d", c.settle, got, c.polls)
		}
	}
	for attempt := 1; attempt < 100; attempt++ {
		if d := defaultPollSchedule.delay(attempt); d < pollFirst || d > pollMax {
			t.Fatalf("poll %d waits %s", attempt, d)
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

// Tests shorten the schedule; the ladder keeps its shape and its cap, and an
// unset schedule is the users' one.
func TestPollSchedule_short(t *testing.T) {
	t.Parallel()
	s := pollSchedule{first: 50 * time.Millisecond, max: 200 * time.Millisecond}
	var got []time.Duration
	for attempt := 1; attempt <= 5; attempt++ {
		got = append(got, s.delay(attempt))
	}
	want := []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}
	if !slices.Equal(got, want) {
		t.Errorf("delays %v, want %v", got, want)
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
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
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
