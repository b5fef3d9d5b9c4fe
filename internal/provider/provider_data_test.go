package provider

import (
	"testing"
	"time"
)

func TestProviderDataNow(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := (&providerData{clock: func() time.Time { return fixed }}).now(); !got.Equal(fixed) {
		t.Errorf("now() with a clock set = %v, want %v", got, fixed)
	}
	// Before Configure a resource has no provider data: now() is the real time.
	var unconfigured *providerData
	if got := unconfigured.now(); time.Since(got).Abs() > time.Minute {
		t.Errorf("now() on nil provider data = %v, want about the current time", got)
	}
}
