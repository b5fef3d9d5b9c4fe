package emulator

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// serveAdmin answers the control endpoints under /__emulator/. They need the
// same credentials as the API, are never counted and never faulted.
//
//	GET  /__emulator/state                           Snapshot as JSON
//	GET  /__emulator/requests                        Counts as JSON
//	POST /__emulator/reset                           Reset (and ResetCounts with ?counts=true)
//	POST /__emulator/faults                          SetFaults; body is Faults as JSON, durations as "1.5s"
//	POST /__emulator/delay?d=2s                      SetDelay
//	GET  /__emulator/gaps?zone_id=ID&hostname=NAME   HostnameGaps as JSON
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, errorf(http.StatusForbidden, codeAuth, msgAuth))
		return
	}
	op := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	method := map[string]string{
		"state": http.MethodGet, "requests": http.MethodGet, "gaps": http.MethodGet,
		"reset": http.MethodPost, "faults": http.MethodPost, "delay": http.MethodPost,
	}[op]
	switch {
	case method == "":
		writeError(w, errorf(http.StatusNotFound, codeNoRoute, msgNoRoute))
		return
	case r.Method != method:
		w.Header().Set("Allow", method)
		writeError(w, errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed"))
		return
	}
	ok := map[string]bool{"ok": true}
	switch op {
	case "state":
		writeJSON(w, http.StatusOK, s.Snapshot())
	case "requests":
		writeJSON(w, http.StatusOK, s.Counts())
	case "gaps":
		gaps := s.HostnameGaps(r.URL.Query().Get("zone_id"), r.URL.Query().Get("hostname"))
		if gaps == nil {
			gaps = []Gap{}
		}
		writeJSON(w, http.StatusOK, gaps)
	case "reset":
		s.Reset()
		if r.URL.Query().Get("counts") == "true" {
			s.ResetCounts()
		}
		writeJSON(w, http.StatusOK, ok)
	case "faults":
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		var f Faults
		if err == nil {
			f, err = parseFaults(body)
		}
		if err != nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid faults: %v", err))
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, ok)
	case "delay":
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: d must be a non-negative duration such as 2s"))
			return
		}
		s.SetDelay(d)
		writeJSON(w, http.StatusOK, ok)
	}
}
