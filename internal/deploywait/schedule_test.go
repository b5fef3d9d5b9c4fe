package deploywait

import (
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	cases := []struct {
		elapsed, want time.Duration
	}{
		{0, time.Second},
		{5 * time.Second, time.Second},
		{20 * time.Second, 2 * time.Second},
		{100 * time.Second, 10 * time.Second},
		{time.Hour, 30 * time.Second},
	}
	for _, c := range cases {
		if got := Users.Next(c.elapsed); got != c.want {
			t.Errorf("Next(%s) = %s, want %s", c.elapsed, got, c.want)
		}
	}
}

// TestScheduleNoticesWithinATenth walks the schedule for objects ready at
// various times and checks each is seen within max(Min, D/10) of being
// ready, with at most 60 polls in any minute.
func TestScheduleNoticesWithinATenth(t *testing.T) {
	for _, ready := range []time.Duration{500 * time.Millisecond, 3 * time.Second, 30 * time.Second, 5 * time.Minute} {
		var at time.Duration
		var polls []time.Duration
		for at < ready {
			at += Users.Next(at)
			polls = append(polls, at)
		}
		bound := max(Users.Min, ready/10)
		if late := at - ready; late > bound {
			t.Errorf("ready at %s: seen at %s, %s late, want at most %s", ready, at, late, bound)
		}
		for i := range polls {
			j := i
			for j < len(polls) && polls[j]-polls[i] < time.Minute {
				j++
			}
			if j-i > 60 {
				t.Errorf("ready at %s: %d polls within a minute from %s", ready, j-i, polls[i])
			}
		}
	}
}
