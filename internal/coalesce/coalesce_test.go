package coalesce

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// fakeAPI applies batches atomically and rejects hostnames starting with
// "bad" as Cloudflare does, or "malformed" as the client does before sending.
type fakeAPI struct {
	calls atomic.Int32
	mu    sync.Mutex
	sizes []int
}

func (f *fakeAPI) put(_ context.Context, _ string, changes []cfapi.BindingChange) ([]cfapi.Binding, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.sizes = append(f.sizes, len(changes))
	f.mu.Unlock()
	var out []cfapi.Binding
	for _, ch := range changes {
		if strings.HasPrefix(ch.Hostname, "malformed") {
			return nil, fmt.Errorf("put: %w: hostname %q; no request was sent", cfapi.ErrInvalidID, ch.Hostname)
		}
		if len(ch.Hostname) >= 3 && ch.Hostname[:3] == "bad" {
			return nil, &cfapi.APIError{Op: "put", StatusCode: http.StatusBadRequest, Errors: []cfapi.ErrorItem{{Code: 1418, Message: "invalid hostname " + ch.Hostname}}}
		}
		out = append(out, cfapi.Binding{Hostname: ch.Hostname, CertID: ch.CertID, Enabled: ch.Enabled, Status: "active"})
	}
	return out, nil
}

func submitAll(c *Coalescer, hosts []string) []error {
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := c.Submit(context.Background(), "zone", cfapi.BindingChange{Hostname: h, CertID: "c", Enabled: true})
			if err == nil && b.Hostname != h {
				err = fmt.Errorf("got the result for %s", b.Hostname)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	return errs
}

func TestCoalescer_mergesConcurrentChanges(t *testing.T) {
	api := &fakeAPI{}
	c := New(api.put, 50*time.Millisecond, 25)
	var hosts []string
	for i := range 100 {
		hosts = append(hosts, fmt.Sprintf("h%d.example.com", i))
	}
	for _, err := range submitAll(c, hosts) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := api.calls.Load(); n > 8 {
		t.Fatalf("%d requests for 100 concurrent changes; want a handful", n)
	}
	for _, s := range api.sizes {
		if s > 25 {
			t.Fatalf("batch of %d exceeds the maximum of 25", s)
		}
	}
}

func TestCoalescer_invalidChangeDoesNotFailTheOthers(t *testing.T) {
	api := &fakeAPI{}
	c := New(api.put, 50*time.Millisecond, 50)
	hosts := []string{"a.example.com", "bad.example.com", "b.example.com", "c.example.com", "bad2.example.com", "d.example.com", "malformed.example.com"}
	errs := submitAll(c, hosts)
	for i, h := range hosts {
		wantErr := h[:3] == "bad" || strings.HasPrefix(h, "malformed")
		if (errs[i] != nil) != wantErr {
			t.Errorf("%s: err = %v, want error %t", h, errs[i], wantErr)
		}
		if wantErr && errs[i] != nil && !contains(errs[i].Error(), h) {
			t.Errorf("%s got another change's error: %v", h, errs[i])
		}
	}
}

func TestCoalescer_sameHostnameGoesInSeparateRequests(t *testing.T) {
	api := &fakeAPI{}
	c := New(api.put, 30*time.Millisecond, 50)
	errs := submitAll(c, []string{"x.example.com", "x.example.com"})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if api.calls.Load() != 2 {
		t.Fatalf("want 2 requests, got %d", api.calls.Load())
	}
}

func TestCoalescer_callerCancellationDoesNotCancelTheBatch(t *testing.T) {
	api := &fakeAPI{}
	c := New(api.put, 30*time.Millisecond, 50)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Submit(ctx, "zone", cfapi.BindingChange{Hostname: "a.example.com", CertID: "c", Enabled: true})
		done <- err
	}()
	var other error
	go func() {
		time.Sleep(5 * time.Millisecond)
		cancel()
	}()
	_, other = c.Submit(context.Background(), "zone", cfapi.BindingChange{Hostname: "b.example.com", CertID: "c", Enabled: true})
	if other != nil {
		t.Fatalf("the other caller failed: %v", other)
	}
	if err := <-done; err == nil {
		t.Fatal("the cancelled caller should see its cancellation")
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

// Changes that trickle in, each shortly after the previous one, still share
// a request: the window restarts with every change (up to five windows).
func TestCoalescer_tricklingChangesShareARequest(t *testing.T) {
	api := &fakeAPI{}
	c := New(api.put, 500*time.Millisecond, 50)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Submit(context.Background(), "zone", cfapi.BindingChange{Hostname: fmt.Sprintf("t%d.example.com", i), CertID: "c", Enabled: true}); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(150 * time.Millisecond) // well inside the window, but the changes span more than one window
	}
	wg.Wait()
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("%d requests for 4 changes arriving 150 ms apart; want 1", n)
	}
}

// A steady trickle restarts the window, but the batch still goes at
// maxWait (5 windows) after its first change, not a window later.
func TestCoalescer_trickleIsSentAtMaxWait(t *testing.T) {
	window := 200 * time.Millisecond
	var mu sync.Mutex
	var firstPut time.Time
	put := func(ctx context.Context, zone string, changes []cfapi.BindingChange) ([]cfapi.Binding, error) {
		mu.Lock()
		if firstPut.IsZero() {
			firstPut = time.Now()
		}
		mu.Unlock()
		return (&fakeAPI{}).put(ctx, zone, changes)
	}
	c := New(put, window, 50)
	start := time.Now()
	var wg sync.WaitGroup
	// Changes every 190 ms: one lands at 950 ms, just before maxWait (1 s);
	// restarting a full window there would send the batch at 1.15 s.
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Submit(context.Background(), "zone", cfapi.BindingChange{Hostname: fmt.Sprintf("t%d.example.com", i), CertID: "c", Enabled: true}); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(190 * time.Millisecond)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if got, limit := firstPut.Sub(start), 5*window+window/2; got > limit {
		t.Fatalf("the first batch went %s after its first change; want at most maxWait %s (checked with %s slack)", got.Round(time.Millisecond), 5*window, window/2)
	}
}
