package provider

import (
	"testing"
	"time"
)

// pollsUntil counts the polls that waitFor makes for an object that is done
// settleAfter after the write.
func pollsUntil(settleAfter time.Duration) int {
	var elapsed time.Duration
	for attempt := 1; ; attempt++ {
		elapsed += pollDelay(attempt)
		if elapsed >= settleAfter {
			return attempt
		}
	}
}

func TestPollSchedule(t *testing.T) {
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
		if d := pollDelay(attempt); d < pollFirst || d > pollMax {
			t.Fatalf("poll %d waits %s", attempt, d)
		}
	}
}
