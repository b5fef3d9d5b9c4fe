package provider

import (
	"context"
	"sync"
)

// oncePerKey runs a read at most once per key for the life of the provider
// process (Terraform starts one for a plan and one for an apply) and shares
// its result with every caller, also with callers that ask while it runs.
// A waiting caller whose own context ends stops waiting; the read goes on
// for the others.
type oncePerKey[T any] struct {
	mu      sync.Mutex
	entries map[string]*oncePerKeyEntry[T]
}

type oncePerKeyEntry[T any] struct {
	ready chan struct{} // closed when value and err are set
	value T
	err   error
}

func (o *oncePerKey[T]) get(ctx context.Context, key string, read func() (T, error)) (T, error) {
	o.mu.Lock()
	if o.entries == nil {
		o.entries = map[string]*oncePerKeyEntry[T]{}
	}
	e, ok := o.entries[key]
	if !ok {
		e = &oncePerKeyEntry[T]{ready: make(chan struct{})}
		o.entries[key] = e
		o.mu.Unlock()
		e.value, e.err = read()
		close(e.ready)
		return e.value, e.err
	}
	o.mu.Unlock()
	select {
	case <-e.ready:
		return e.value, e.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
