package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// serveAdmin answers the control endpoints under /__emulator/. They need the
// same credentials as the API, are never counted and never faulted.
//
//	GET  /__emulator/state                           Snapshot as JSON
//	GET  /__emulator/requests                        Counts as JSON
//	POST /__emulator/reset                           Reset (and ResetCounts with ?counts=true)
//	POST /__emulator/faults                          SetFaults; body is Faults as JSON, durations as "1.5s"; a fail_next
//	                                                 entry has method, path_contains, status, retry_after, after_apply,
//	                                                 reset, truncate, hang, times, probability, burst, skip
//	POST /__emulator/delay?d=2s                      SetDelay (all four transitions)
//	GET  /__emulator/delays                          Delays as JSON: {"certificate_deploy":"30s","certificate_delete":"30s",
//	                                                 "association_deploy":"30s","association_remove":"30s","jitter":"0s"}
//	POST /__emulator/delays                          SetDelays; body as GET, absent fields keep their value
//	POST /__emulator/latency?d=50ms                  SetLatency
//	GET  /__emulator/ratelimit                       RateLimitStatus as JSON
//	POST /__emulator/ratelimit                       SetRateLimit; body {"limit":1200,"window":"300s","lockout":"300s"}, {"limit":0} turns it off
//	POST /__emulator/ratelimit?reset=true            ResetRateLimit (no body)
//	GET  /__emulator/gaps?zone_id=ID&hostname=NAME   HostnameGaps as JSON
//	GET  /__emulator/origins                         Origins as JSON: {"app.example.com":"127.0.0.1:8443"}
//	POST /__emulator/origins                         SetOrigin; body {"hostname":"...","address":"127.0.0.1:8443"}, "" removes
//	POST /__emulator/pull                            Pull; body {"hostname":"...","path":"/"}, answers PullResult as JSON
//	GET  /__emulator/ips                             IPRanges as JSON (what GET /client/v4/ips answers)
//	POST /__emulator/ips                             SetIPRanges; body {"ipv4_cidrs":["127.0.0.1/32"],"ipv6_cidrs":[]}, both empty restores Cloudflare's
//	POST /__emulator/origin-trust                    SetOriginTrust; body {"pem":"-----BEGIN CERTIFICATE-----..."}, "" restores the system's roots
//
// Successful answers are plain JSON (not the API envelope); requests the
// emulator cannot act on are answered in the API error envelope. A pull
// that fails (no origin, TLS refusal, ...) is a successful admin request:
// HTTP 200 with the failure in the PullResult's "error".
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, errorf(http.StatusForbidden, codeAuth, msgAuth))
		return
	}
	op := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	allowed := map[string][]string{
		"state": {http.MethodGet}, "requests": {http.MethodGet}, "gaps": {http.MethodGet},
		"reset": {http.MethodPost}, "faults": {http.MethodPost}, "delay": {http.MethodPost},
		"delays":  {http.MethodGet, http.MethodPost},
		"origins": {http.MethodGet, http.MethodPost}, "pull": {http.MethodPost},
		"latency": {http.MethodPost}, "ratelimit": {http.MethodGet, http.MethodPost},
		"ips": {http.MethodGet, http.MethodPost}, "origin-trust": {http.MethodPost},
	}[op]
	switch {
	case allowed == nil:
		writeError(w, errorf(http.StatusNotFound, codeNoRoute, msgNoRoute))
		return
	case !slices.Contains(allowed, r.Method):
		w.Header().Set("Allow", strings.Join(allowed, ", "))
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
	case "delay", "latency":
		set, example := s.SetDelay, "2s"
		if op == "latency" {
			set, example = s.SetLatency, "50ms"
		}
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: d must be a non-negative duration such as %s", example))
			return
		}
		set(d)
		writeJSON(w, http.StatusOK, ok)
	case "delays":
		s.serveAdminDelays(w, r)
	case "ratelimit":
		s.serveAdminRateLimit(w, r)
	case "origin-trust":
		var body struct {
			PEM string `json:"pem"`
		}
		if apiErr := decodeAdminBody(w, r, &body); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		var pemCerts []byte
		if body.PEM != "" {
			pemCerts = []byte(body.PEM)
		}
		if err := s.SetOriginTrust(pemCerts); err != nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: %v", err))
			return
		}
		writeJSON(w, http.StatusOK, ok)
	case "ips":
		if r.Method == http.MethodGet {
			writeJSON(w, http.StatusOK, s.IPRanges())
			return
		}
		var body IPRanges
		if apiErr := decodeAdminBody(w, r, &body); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		if err := s.SetIPRanges(body); err != nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: %v", err))
			return
		}
		writeJSON(w, http.StatusOK, ok)
	case "origins":
		if r.Method == http.MethodGet {
			writeJSON(w, http.StatusOK, s.Origins())
			return
		}
		var body struct {
			Hostname string  `json:"hostname"`
			Address  *string `json:"address"`
		}
		if apiErr := decodeAdminBody(w, r, &body); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		if body.Hostname == "" || body.Address == nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest,
				`Invalid request: hostname and address are required, e.g. {"hostname":"app.example.com","address":"127.0.0.1:8443"}; address "" removes the origin`))
			return
		}
		if err := s.SetOrigin(body.Hostname, *body.Address); err != nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: %v", err))
			return
		}
		writeJSON(w, http.StatusOK, ok)
	case "pull":
		var body struct {
			Hostname string `json:"hostname"`
			Path     string `json:"path"`
		}
		if apiErr := decodeAdminBody(w, r, &body); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		if body.Hostname == "" {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest,
				`Invalid request: hostname is required, e.g. {"hostname":"app.example.com","path":"/"}`))
			return
		}
		writeJSON(w, http.StatusOK, s.Pull(r.Context(), body.Hostname, body.Path))
	}
}

// decodeAdminBody decodes a JSON object body into v, refusing unknown
// fields and trailing data.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any) *apiError {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err != nil {
		return errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid request: the request body is not valid JSON (%v)", err)
	}
	return nil
}

// serveAdminRateLimit answers GET and POST /__emulator/ratelimit.
func (s *Server) serveAdminRateLimit(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, s.RateLimitStatus())
		return
	}
	if r.URL.Query().Get("reset") == "true" {
		s.ResetRateLimit()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		return
	}
	var body struct {
		Limit   *int         `json:"limit"`
		Window  wireDuration `json:"window"`
		Lockout wireDuration `json:"lockout"`
	}
	if apiErr := decodeAdminBody(w, r, &body); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if body.Limit == nil {
		writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest,
			`Invalid request: limit is required, e.g. {"limit":1200,"window":"300s","lockout":"300s"}; {"limit":0} turns the rate limit off`))
		return
	}
	if err := s.SetRateLimit(RateLimit{Limit: *body.Limit, Window: time.Duration(body.Window), Lockout: time.Duration(body.Lockout)}); err != nil {
		writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
