package provider

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrent callers of one key share one read; another key reads again;
// a waiter whose context ends stops waiting without ending the read.
func TestOncePerKey(t *testing.T) {
	t.Parallel()
	var o oncePerKey[string]
	var reads atomic.Int32
	release := make(chan struct{})
	read := func() (string, error) {
		reads.Add(1)
		<-release
		return "example.com", nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := o.get(ctx, "z1", read); got != "example.com" || err != nil {
				t.Errorf("get: %q, %v", got, err)
			}
		}()
	}
	for !o.waiting("z1") {
		time.Sleep(time.Millisecond)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := o.get(short, "z1", read); err == nil {
		t.Error("a waiter whose context ended got no error")
	}
	close(release)
	wg.Wait()
	if _, err := o.get(ctx, "z2", func() (string, error) { reads.Add(1); return "other", nil }); err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 2 {
		t.Fatalf("%d reads, want 2 (one per key)", n)
	}
}

// waiting reports whether a read of key has started.
func (o *oncePerKey[T]) waiting(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.entries[key]
	return ok
}
