package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// Status polls follow the object: the wait before each is a tenth of the
// time waited so far, within the bounds of deploywait.Users, so an object
// ready after a wait W is seen within max(1 s, W/10), and a slow one costs
// about two requests a minute. pollFirst and pollMax only identify the
// users' schedule (see deploy). Hostname associations, the many objects of
// a large apply, share their polls besides (see association_watch.go).
const (
	pollFirst = 2 * time.Second
	pollMax   = 15 * time.Second
)

// pollSchedule is when waitFor polls. Users always get pollFirst and
// pollMax; tests shorten both so that they do not sleep against an
// emulator that deploys at once.
type pollSchedule struct {
	first, max time.Duration
}

var defaultPollSchedule = pollSchedule{first: pollFirst, max: pollMax}

// orDefault is s, or the users' schedule when s is unset.
func (s pollSchedule) orDefault() pollSchedule {
	if s.first <= 0 {
		return defaultPollSchedule
	}
	return s
}

// testPollSchedule is set only when tests that run the provider through the
// Terraform CLI build its binary (as "first,max", for example "50ms,200ms"):
//
//	go build -ldflags "-X github.com/cfaop/terraform-provider-cfaop/internal/provider.testPollSchedule=50ms,200ms"
//
// It is a link-time value and not an environment variable so that the
// binaries users run have no such knob at all: release builds never set it,
// and nothing in a user's environment (or one inherited from a test shell)
// can change how the provider polls.
var testPollSchedule string

// linkedPollSchedule parses testPollSchedule; it is zero in release builds.
// A malformed value is a broken test build, so it stops the provider at once
// instead of running the tests slowly.
func linkedPollSchedule() pollSchedule {
	if testPollSchedule == "" {
		return pollSchedule{}
	}
	first, maxPoll, ok := strings.Cut(testPollSchedule, ",")
	s := pollSchedule{}
	var err1, err2 error
	s.first, err1 = time.ParseDuration(first)
	s.max, err2 = time.ParseDuration(maxPoll)
	if !ok || err1 != nil || err2 != nil || s.first <= 0 || s.max < s.first {
		panic(fmt.Sprintf("testPollSchedule %q set at link time is not \"first,max\" with 0 < first <= max", testPollSchedule))
	}
	return s
}

// waitFor polls check until it reports done, fails, or ctx ends. what names
// the object in logs and in the timeout error.
func (s pollSchedule) waitFor(ctx context.Context, what string, check func(ctx context.Context) (done bool, status string, err error)) (string, error) {
	status := ""
	failed := 0 // consecutive polls that failed transiently
	sched, start := s.deploy(), time.Now()
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return status, fmt.Errorf("timed out waiting for %s (last status %q): %w", what, status, ctx.Err())
		case <-time.After(sched.Next(time.Since(start))):
		}
		done, st, err := check(ctx)
		if st != "" {
			status = st
		}
		tflog.Debug(ctx, "Polled status", map[string]any{"object": what, "status": st, "attempt": attempt})
		if err != nil && ctx.Err() != nil {
			// A poll cut off by the deadline is a timeout, not an API failure.
			return status, fmt.Errorf("timed out waiting for %s (last status %q): %w", what, status, ctx.Err())
		}
		if err != nil && transientPollError(err) && failed < maxTransientPolls {
			// The object was written; one unanswered poll says nothing about
			// it. Failing here would taint a good certificate or binding.
			failed++
			tflog.Warn(ctx, "Status poll failed; polling again", map[string]any{"object": what, "attempt": attempt, "error": err.Error()})
			continue
		}
		if err != nil || done {
			return status, err
		}
		failed = 0
	}
}

// maxTransientPolls is how many polls in a row may fail with a server or
// network error (each after the client's own retries) before the wait
// gives up.
const maxTransientPolls = 3

// transientPollError reports whether a failed poll is a server or network
// failure (5xx, 429, a broken connection) rather than an answer about the
// object (not found, forbidden) or a request the client refused to send or
// to follow elsewhere (an invalid ID, a redirect): those would fail the same way again.
func transientPollError(err error) bool {
	var apiErr *cfapi.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests
	}
	var redirect *cfapi.RedirectError
	return !errors.Is(err, cfapi.ErrInvalidID) && !errors.As(err, &redirect)
}
