// Package httpstate is a Terraform state store for tests: the HTTP backend's
// protocol (GET, POST and DELETE on the state address; LOCK and UNLOCK on
// the lock address) on loopback, holding one state per path in memory. It
// stands in for remote state (HCP Terraform, S3) so that tests can run each
// Terraform command from a fresh working directory, as single-use runs do.
package httpstate

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Server serves states under /state/<name> and their locks under /lock/<name>.
type Server struct {
	srv *http.Server
	url string

	mu     sync.Mutex
	states map[string][]byte
	locks  map[string]lockInfo
}

// lockInfo is the part of Terraform's lock information the server needs.
type lockInfo struct {
	ID        string `json:"ID"`
	Operation string `json:"Operation"`
	raw       []byte
}

// Start listens on a loopback port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{states: map[string][]byte{}, locks: map[string]lockInfo{}, url: "http://" + ln.Addr().String()}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// BackendBlock is the backend "http" block for the state called name.
func (s *Server) BackendBlock(name string) string {
	return `terraform {
  backend "http" {
    address        = "` + s.url + `/state/` + name + `"
    lock_address   = "` + s.url + `/lock/` + name + `"
    unlock_address = "` + s.url + `/lock/` + name + `"
  }
}
`
}

// State returns the stored state, nil when there is none.
func (s *Server) State(name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.states[name]...)
}

// Locked reports the operation holding the lock, "" when unlocked.
func (s *Server) Locked(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locks[name].Operation
}

// EndRun releases the lock a killed run left, as a remote backend's platform
// does when the run ends (HCP Terraform unlocks the workspace of a run that
// errored or was cancelled); it reports whether a lock was held.
func (s *Server) EndRun(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, held := s.locks[name]
	delete(s.locks, name)
	return held
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	kind, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok || name == "" || (kind != "state" && kind != "lock") {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case kind == "state" && r.Method == http.MethodGet:
		st, ok := s.states[name]
		if !ok {
			w.WriteHeader(http.StatusNoContent) // no state yet
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(st)
	case kind == "state" && (r.Method == http.MethodPost || r.Method == http.MethodDelete):
		// A write under a lock must carry that lock's ID.
		if held, ok := s.locks[name]; ok && r.URL.Query().Get("ID") != held.ID {
			s.conflict(w, held)
			return
		}
		if r.Method == http.MethodDelete {
			delete(s.states, name)
		} else {
			s.states[name] = body
		}
		w.WriteHeader(http.StatusOK)
	case kind == "lock" && r.Method == "LOCK":
		var req lockInfo
		if err := json.Unmarshal(body, &req); err != nil || req.ID == "" {
			http.Error(w, "lock request without lock information", http.StatusBadRequest)
			return
		}
		if held, ok := s.locks[name]; ok {
			s.conflict(w, held)
			return
		}
		req.raw = body
		s.locks[name] = req
		w.WriteHeader(http.StatusOK)
	case kind == "lock" && r.Method == "UNLOCK":
		var req lockInfo
		_ = json.Unmarshal(body, &req)
		held, ok := s.locks[name]
		// Terraform's force-unlock sends no body; a normal unlock sends the lock.
		if ok && req.ID != "" && req.ID != held.ID {
			s.conflict(w, held)
			return
		}
		delete(s.locks, name)
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// conflict answers as Terraform's HTTP backend expects when a lock is held:
// 423 with the holder's lock information.
func (s *Server) conflict(w http.ResponseWriter, held lockInfo) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusLocked)
	_, _ = w.Write(held.raw)
}
