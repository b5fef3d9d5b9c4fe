package emulator

import (
	"sort"
	"time"
)

// Gap is an interval during which the edge had no hostname certificate to
// present for a hostname after having had one. End is zero while the gap is
// still open.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// HostnameGaps returns, oldest first, every interval during which the
// emulated edge had no hostname certificate to present for hostname while
// it had had one before.
//
// A hostname is covered while the edge serves an association version of it
// that is enabled and whose certificate is active (see presentedAt, which
// Pull uses too). A version is served from the time its association is
// active (deployed) until the next version's association is active, so
// switching from certificate A to B is covered by A until B's association
// is active, then by B: deleting A before that opens a gap until B's
// association is active. Removing or disabling the association opens a gap
// at once; deleting the served certificate opens one from the deletion
// request; a certificate still pending deployment does not cover. These
// rules are ours, conservative: Cloudflare documents only that association
// changes and certificates deploy asynchronously.
//
// Intervals are computed at the current time of the emulator's clock; a gap
// that has not ended has a zero End.
func (s *Server) HostnameGaps(zoneID, hostname string) []Gap {
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.zonesByID[zoneID]
	if z == nil {
		return nil
	}
	now := s.now()
	host := normalizeHostname(hostname)

	// Coverage changes only when a version is made or deployed, or when a
	// certificate becomes active or its deletion is requested.
	var changes []time.Time
	for _, v := range z.history[host] {
		changes = append(changes, v.at, v.deployAt)
		if v.cert != nil {
			changes = append(changes, v.cert.activeAt, v.cert.deleteRequestedAt)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Before(changes[j]) })

	var gaps []Gap
	covered, last := false, time.Time{}
	for _, t := range changes {
		if t.IsZero() || t.Equal(last) || t.After(now) {
			continue
		}
		last = t
		coveredAt := z.presentedAt(host, t) != nil
		switch {
		case coveredAt && !covered && len(gaps) > 0:
			gaps[len(gaps)-1].End = t
		case !coveredAt && covered:
			gaps = append(gaps, Gap{Start: t})
		}
		covered = coveredAt
	}
	return gaps
}
