package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Faults are injected into API requests (under /client/v4) only; the CA
// endpoint and the admin endpoints are never affected.
type Faults struct {
	// Latency is added before every API request is answered.
	Latency time.Duration `json:"latency"`
	// FailNext lists one-shot faults. A request uses the first fault that
	// matches it and consumes one of its Times; a fault is dropped when its
	// Times are used up.
	FailNext []Fault `json:"fail_next"`
}

// Fault describes how to fail requests that match Method and PathContains.
//
// Without AfterApply the request is not applied: after Hang, the emulator
// closes the connection (Reset), answers Status in the Cloudflare error
// envelope, or, with neither, answers normally (a slow request). With
// AfterApply the request is applied first and its answer is then replaced:
// by a closed connection (Reset) or by Status (500 if Status is zero).
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
	// Hang sleeps this long before answering (or until the client gives up).
	Hang time.Duration `json:"hang"`
	// Times is how many requests this fault applies to; 0 means 1.
	Times int `json:"times"`
}

// SetFaults replaces the injected faults; Faults{} removes them all.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.FailNext = append([]Fault(nil), f.FailNext...)
	for i := range f.FailNext {
		if f.FailNext[i].Times <= 0 {
			f.FailNext[i].Times = 1
		}
	}
	s.faults = f
}

// take consumes the first fault matching the request. Callers hold s.mu.
func (f *Faults) take(method, path string) (Fault, bool) {
	for i := range f.FailNext {
		ft := &f.FailNext[i]
		if ft.Method != "" && !strings.EqualFold(ft.Method, method) {
			continue
		}
		if ft.PathContains != "" && !strings.Contains(path, ft.PathContains) {
			continue
		}
		out := *ft
		ft.Times--
		if ft.Times <= 0 {
			f.FailNext = append(f.FailNext[:i], f.FailNext[i+1:]...)
		}
		return out, true
	}
	return Fault{}, false
}

// applyFault answers r according to ft; answer writes the normal response.
// It returns a short description for the request log.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, ft Fault, answer func(http.ResponseWriter)) string {
	var applied *bufferedResponse
	if ft.AfterApply {
		applied = newBufferedResponse()
		answer(applied)
	}
	if !sleepCtx(r.Context(), ft.Hang) {
		return "fault: client gone during hang"
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

// bufferedResponse collects a response that is then thrown away.
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
	FailNext []struct {
		Method       string       `json:"method"`
		PathContains string       `json:"path_contains"`
		Status       int          `json:"status"`
		RetryAfter   int          `json:"retry_after"`
		AfterApply   bool         `json:"after_apply"`
		Reset        bool         `json:"reset"`
		Hang         wireDuration `json:"hang"`
		Times        int          `json:"times"`
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
	f := Faults{Latency: time.Duration(w.Latency)}
	for _, x := range w.FailNext {
		f.FailNext = append(f.FailNext, Fault{
			Method: x.Method, PathContains: x.PathContains, Status: x.Status, RetryAfter: x.RetryAfter,
			AfterApply: x.AfterApply, Reset: x.Reset, Hang: time.Duration(x.Hang), Times: x.Times,
		})
	}
	return f, nil
}
