package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// Faults are injected into API requests (under /client/v4) only; the CA
// endpoint and the admin endpoints are never affected.
//
// One-shot faults (FailNext entries without a Probability) fail the next
// matching requests and are used up. Probabilistic faults (Probability > 0)
// stay for the whole run and fail a random share of the matching requests,
// drawn from a generator seeded with Seed: a "fault mix" for a whole apply.
type Faults struct {
	// Latency is added before every API request is answered.
	Latency time.Duration `json:"latency"`
	// FailNext lists the faults. A request uses the first fault that matches
	// it (method, path, Skip, and the draw of a probabilistic fault) and
	// consumes one of its Times; a fault is dropped when its Times are used up.
	FailNext []Fault `json:"fail_next"`
	// Seed seeds the draws of probabilistic faults. The same seed gives the
	// same sequence of draws; concurrent requests may still arrive in a
	// different order from one run to the next.
	Seed uint64 `json:"seed"`

	rng      *rand.Rand
	injected map[string]int // fault kind -> requests it was applied to
	// inARow counts, by request (method, path and body), the faults met in a
	// row by identical requests: a client's retries (see Fault.MaxInARow).
	inARow map[requestKey]int
}

// requestKey identifies a request and its identical repeats.
type requestKey struct {
	method, path string
	body         uint64 // FNV-1a of the body
}

// Fault describes how to fail requests that match Method and PathContains.
//
// Without AfterApply the request is not applied: after Hang, the emulator
// closes the connection (Reset), answers Status in the Cloudflare error
// envelope, or, with neither, answers normally (a slow request, or with a
// Probability a latency spike). With AfterApply the request is applied first
// and its answer is then replaced: by a closed connection (Reset) or by
// Status (500 if Status is zero). Truncate always applies the request and
// then cuts its answer off: the headers (with the full Content-Length) and
// half the body are sent, and the connection is closed. A Hang longer than
// the client waits is a request that never answers.
type Fault struct {
	// Method matches the HTTP method; empty matches any.
	Method string `json:"method"`
	// PathContains matches when the request path (including /client/v4)
	// contains it; empty matches any.
	PathContains string `json:"path_contains"`
	// Status is the HTTP status answered, e.g. 429, 500, 503.
	Status int `json:"status"`
	// RetryAfter, in seconds, is sent as the Retry-After header.
	RetryAfter int `json:"retry_after"`
	// AfterApply performs the change before failing, so the response is lost
	// but the change is made.
	AfterApply bool `json:"after_apply"`
	// Reset closes the connection without answering.
	Reset bool `json:"reset"`
	// Truncate applies the request, sends its answer's headers and half its
	// body, and closes the connection: a response cut off in transit.
	Truncate bool `json:"truncate"`
	// Hang sleeps this long before answering (or until the client gives up).
	Hang time.Duration `json:"hang"`
	// Times is how many requests this fault applies to; 0 means 1 for a
	// one-shot fault and no limit for a probabilistic one.
	Times int `json:"times"`
	// Probability, from 0 to 1, makes the fault probabilistic: each matching
	// request is failed with this probability, and the fault stays after it
	// fired. 0 means a one-shot fault that fails every matching request
	// until its Times are used up.
	Probability float64 `json:"probability"`
	// Burst, for a probabilistic fault, also fails the next Burst-1 matching
	// requests once a draw hits, without drawing: a burst of 429s, say.
	Burst int `json:"burst"`
	// Skip lets the first Skip matching requests through before the fault
	// applies: Skip 2 with Method POST fails the third POST.
	Skip int `json:"skip"`
	// BodyContains matches when the request body contains it: one
	// certificate's upload, say, among concurrent uploads to the same path.
	BodyContains string `json:"body_contains"`
	// MaxInARow, for a probabilistic fault, lets an identical request (same
	// method, path and body: a client's retry) through once it met this
	// many faults in a row; 0 means no limit. Without it, a fault that fails
	// a share of requests fails some request on every try now and then, and
	// a run's outcome depends on the draw; with it, a fault is as transient
	// as the client's retries are patient, so a client with more tries than
	// MaxInARow always gets through.
	MaxInARow int `json:"max_in_a_row"`
	// Notify, when set, receives an event each time the fault is applied:
	// for AfterApply once the change is made, otherwise before any Hang.
	// Sends never block (an event is dropped when the channel is full).
	// In-process only; the admin endpoint cannot set it.
	Notify chan<- FaultEvent `json:"-"`

	burstLeft int
}

// FaultEvent tells a Notify channel which request a fault was applied to.
type FaultEvent struct {
	Method string
	Path   string
	Kind   string
}

// unlimited marks a fault whose Times never run out.
const unlimited = -1

// SetFaults replaces the injected faults and clears the count of injected
// faults; Faults{} removes them all.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.FailNext = append([]Fault(nil), f.FailNext...)
	for i := range f.FailNext {
		ft := &f.FailNext[i]
		ft.burstLeft = 0
		switch {
		case ft.Times > 0:
		case ft.Probability > 0:
			ft.Times = unlimited
		default:
			ft.Times = 1
		}
	}
	f.rng = seededRand(f.Seed)
	f.injected = map[string]int{}
	s.faults = f
}

// InjectedFaults returns how many requests each kind of fault was applied
// to since the last SetFaults, keyed by Fault.Kind, e.g. "503 before apply".
func (s *Server) InjectedFaults() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.faults.injected))
	for k, v := range s.faults.injected {
		out[k] = v
	}
	return out
}

// Kind names what the fault does, for counts and logs.
func (ft Fault) Kind() string {
	switch {
	case ft.Truncate:
		return "truncated body"
	case ft.Reset && ft.AfterApply:
		return "reset after apply"
	case ft.Reset:
		return "reset before apply"
	case ft.Status == http.StatusTooManyRequests:
		return "429"
	case ft.AfterApply:
		status := ft.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		return fmt.Sprintf("%d after apply", status)
	case ft.Status != 0:
		return fmt.Sprintf("%d before apply", ft.Status)
	case ft.Hang > 0:
		return "slow answer"
	}
	return "no-op"
}

// take consumes the first fault matching the request. Callers hold s.mu.
func (f *Faults) take(method, path string, body []byte) (Fault, bool) {
	if len(f.FailNext) == 0 {
		return Fault{}, false
	}
	h := fnv.New64a()
	_, _ = h.Write(body)
	key := requestKey{method: method, path: path, body: h.Sum64()}
	for i := range f.FailNext {
		ft := &f.FailNext[i]
		if ft.Method != "" && !strings.EqualFold(ft.Method, method) {
			continue
		}
		if ft.PathContains != "" && !strings.Contains(path, ft.PathContains) {
			continue
		}
		if ft.BodyContains != "" && !bytes.Contains(body, []byte(ft.BodyContains)) {
			continue
		}
		if ft.Probability > 0 && ft.MaxInARow > 0 && f.inARow[key] >= ft.MaxInARow {
			continue
		}
		if ft.Skip > 0 {
			ft.Skip--
			continue
		}
		if ft.Probability > 0 {
			if ft.burstLeft > 0 {
				ft.burstLeft--
			} else if f.draw() >= ft.Probability {
				continue
			} else if ft.Burst > 1 {
				ft.burstLeft = ft.Burst - 1
			}
		}
		out := *ft
		if ft.Times != unlimited {
			ft.Times--
			if ft.Times <= 0 {
				f.FailNext = append(f.FailNext[:i], f.FailNext[i+1:]...)
			}
		}
		if f.injected == nil {
			f.injected = map[string]int{}
		}
		f.injected[out.Kind()]++
		if f.inARow == nil {
			f.inARow = map[requestKey]int{}
		}
		f.inARow[key]++
		return out, true
	}
	delete(f.inARow, key)
	return Fault{}, false
}

// draw returns a number in [0, 1) from the seeded generator.
func (f *Faults) draw() float64 {
	if f.rng == nil {
		f.rng = seededRand(f.Seed)
	}
	return f.rng.Float64()
}

// seededRand is the generator of probabilistic faults: the same seed gives
// the same draws, whether SetFaults or the first draw creates it.
func seededRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// notify tells ft's Notify channel, if any, without ever blocking.
func (ft Fault) notify(r *http.Request) {
	if ft.Notify == nil {
		return
	}
	select {
	case ft.Notify <- FaultEvent{Method: r.Method, Path: r.URL.Path, Kind: ft.Kind()}:
	default:
	}
}

// applyFault answers r according to ft; answer writes the normal response.
// It returns a short description for the request log.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, ft Fault, answer func(http.ResponseWriter)) string {
	var applied *bufferedResponse
	if ft.AfterApply || ft.Truncate {
		applied = newBufferedResponse()
		answer(applied)
	}
	ft.notify(r)
	if pause.For(r.Context(), ft.Hang) != nil {
		return "fault: client gone during hang"
	}
	if ft.Truncate {
		truncateAnswer(w, applied)
		return "fault: body truncated"
	}
	if ft.Reset {
		resetConnection(w)
		return "fault: connection reset"
	}
	status := ft.Status
	if ft.AfterApply && status == 0 {
		status = http.StatusInternalServerError
	}
	if status == 0 {
		answer(w)
		return "fault: slow answer"
	}
	if ft.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ft.RetryAfter))
	}
	if status == http.StatusTooManyRequests {
		writeError(w, errorf(status, codeRateLimited, msgRateLimited))
	} else {
		writeError(w, errorf(status, codeInjectedFault, "Emulated failure: HTTP %d %s", status, http.StatusText(status)))
	}
	return fmt.Sprintf("fault: %d", status)
}

// resetConnection closes the client connection without an answer.
func resetConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2 or no hijacking: abort the response
}

// truncateAnswer sends the headers of a (with the full Content-Length) and
// the first half of its body, then closes the connection: the client has
// its status and headers but reading the body fails.
func truncateAnswer(w http.ResponseWriter, a *bufferedResponse) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	body := a.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	resetConnection(w)
}

// bufferedResponse collects a response that is then thrown away (or, for a
// truncated answer, partly sent).
type bufferedResponse struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(code int)        { b.status = code }

// faultsWire is the admin JSON form of Faults, where durations may be
// strings ("1.5s") or nanoseconds.
type faultsWire struct {
	Latency  wireDuration `json:"latency"`
	Seed     uint64       `json:"seed"`
	FailNext []struct {
		Method       string       `json:"method"`
		PathContains string       `json:"path_contains"`
		Status       int          `json:"status"`
		RetryAfter   int          `json:"retry_after"`
		AfterApply   bool         `json:"after_apply"`
		Reset        bool         `json:"reset"`
		Truncate     bool         `json:"truncate"`
		Hang         wireDuration `json:"hang"`
		Times        int          `json:"times"`
		Probability  float64      `json:"probability"`
		Burst        int          `json:"burst"`
		Skip         int          `json:"skip"`
		BodyContains string       `json:"body_contains"`
		MaxInARow    int          `json:"max_in_a_row"`
	} `json:"fail_next"`
}

type wireDuration time.Duration

func (d *wireDuration) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = 0
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		v, err := time.ParseDuration(str)
		if err != nil {
			return err
		}
		*d = wireDuration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration must be a string like \"1.5s\" or nanoseconds")
	}
	*d = wireDuration(n)
	return nil
}

func parseFaults(body []byte) (Faults, error) {
	var w faultsWire
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Faults{}, err
	}
	f := Faults{Latency: time.Duration(w.Latency), Seed: w.Seed}
	for i, x := range w.FailNext {
		if x.Probability < 0 || x.Probability > 1 || math.IsNaN(x.Probability) {
			return Faults{}, fmt.Errorf("fail_next[%d]: probability must be from 0 to 1, got %v", i, x.Probability)
		}
		if x.Times < 0 || x.Burst < 0 || x.Skip < 0 || x.MaxInARow < 0 {
			return Faults{}, fmt.Errorf("fail_next[%d]: times, burst, skip and max_in_a_row must not be negative", i)
		}
		if x.Truncate && (x.Reset || x.Status != 0) {
			return Faults{}, fmt.Errorf("fail_next[%d]: truncate sends the real answer cut short; it cannot be combined with reset or status", i)
		}
		f.FailNext = append(f.FailNext, Fault{
			Method: x.Method, PathContains: x.PathContains, Status: x.Status, RetryAfter: x.RetryAfter,
			AfterApply: x.AfterApply, Reset: x.Reset, Truncate: x.Truncate, Hang: time.Duration(x.Hang), Times: x.Times,
			Probability: x.Probability, Burst: x.Burst, Skip: x.Skip, BodyContains: x.BodyContains, MaxInARow: x.MaxInARow,
		})
	}
	return f, nil
}
