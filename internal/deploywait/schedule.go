// Package deploywait waits for objects that Cloudflare deploys
// asynchronously, polling them on a schedule that follows how long the
// object has been waited for, and sharing polls between objects that are
// expected to change together.
package deploywait

import "time"

// Schedule says when to poll next. The wait before a poll is a tenth of
// the time waited so far, clamped to [Min, Max]: an object that becomes
// ready after a wait W is noticed within max(Min, W/10), and a slow one
// costs at most one request per Max.
type Schedule struct {
	Min, Max time.Duration
}

// Users is the schedule the provider uses against Cloudflare. Tests
// inject shorter ones.
var Users = Schedule{Min: time.Second, Max: 30 * time.Second}

// Next is the wait before the next poll of an object waited for elapsed.
func (s Schedule) Next(elapsed time.Duration) time.Duration {
	return min(max(elapsed/10, s.Min), s.Max)
}
