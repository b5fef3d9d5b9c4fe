package emulator

import (
	"net/http"
	"time"
)

// DefaultZoneCertWriteTime is how long a zone-certificate upload or delete
// keeps its zone busy unless Config.ZoneCertWriteTime says otherwise.
const DefaultZoneCertWriteTime = 50 * time.Millisecond

// Cloudflare answers HTTP 409 when two zone-certificate uploads or deletes
// run at once on one zone (observed; the status is, the code and message
// are ours). The emulator models the write as taking ZoneCertWriteTime: the
// answer is held that long, and another zone-certificate upload or delete in
// the zone meanwhile is refused, before any validation. A client that waits
// for each answer therefore never sees the 409; parallel clients do. The
// window runs on the wall clock, so a fake Config.Now does not stretch it.

// isZoneCertWrite reports whether rt uploads or deletes a zone certificate.
func isZoneCertWrite(rt *route) bool {
	const aop = "/zones/{zone_id}/origin_tls_client_auth"
	return (rt.method == http.MethodPost && rt.pattern == aop) ||
		(rt.method == http.MethodDelete && rt.pattern == aop+"/{certificate_id}")
}

// checkZoneCertBusyLocked refuses a zone-certificate write while another is
// in progress in z. Callers hold s.mu.
func (s *Server) checkZoneCertBusyLocked(z *zone) *apiError {
	if time.Now().Before(z.zoneCertBusyUntil) {
		return errorf(http.StatusConflict, codeZoneCertBusy,
			"Another zone certificate upload or deletion is in progress for this zone; retry once it has finished.")
	}
	return nil
}

// markZoneCertBusyLocked starts the write window of a zone-certificate
// write that succeeded and returns how long its answer is held. Callers
// hold s.mu.
func (s *Server) markZoneCertBusyLocked(z *zone) time.Duration {
	if s.zoneCertWriteTime <= 0 {
		return 0
	}
	z.zoneCertBusyUntil = time.Now().Add(s.zoneCertWriteTime)
	return s.zoneCertWriteTime
}

// SetZoneCertWriteTime changes how long a zone-certificate upload or delete
// keeps its zone busy (see Config.ZoneCertWriteTime); zero or negative
// turns the 409 answers off.
func (s *Server) SetZoneCertWriteTime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zoneCertWriteTime = max(d, 0)
}
