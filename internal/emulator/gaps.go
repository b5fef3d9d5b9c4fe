package emulator

import (
	"sort"
	"time"
)

// Gap is an interval during which a hostname had no active, enabled
// certificate bound after having had one. End is zero while the gap is
// still open.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// segment is one version of a hostname's association, from one change to
// the next.
type segment struct {
	certID       string
	enabled      bool
	from, to     time.Time // to is zero while this version is current
	certActiveAt time.Time
}

// recordSegment ends the hostname's current association version at now and,
// unless b is nil (removal), starts a new one from b.
func (z *zone) recordSegment(hostname string, now time.Time, b *binding) {
	segs := z.history[hostname]
	if n := len(segs); n > 0 && segs[n-1].to.IsZero() {
		segs[n-1].to = now
	}
	if b != nil {
		seg := segment{certID: b.certID, enabled: b.enabled, from: now}
		if c := z.findCert(kindHostname, b.certID); c != nil {
			seg.certActiveAt = c.activeAt
		}
		segs = append(segs, seg)
	}
	z.history[hostname] = segs
}

// HostnameGaps returns, oldest first, every interval during which hostname
// had no active, enabled certificate bound while it had had one before.
//
// A hostname is covered while its association exists (not removed), is
// enabled, and its certificate's status is active; the association's own
// deployment status does not matter. So switching an association from one
// active certificate to another leaves no gap, while disabling it, removing
// it, or switching it to a certificate that is not active yet does.
// Intervals are computed at the current time of the emulator's clock; a
// gap that has not ended has a zero End.
func (s *Server) HostnameGaps(zoneID, hostname string) []Gap {
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.zonesByID[zoneID]
	if z == nil {
		return nil
	}
	now := s.now()

	type interval struct{ start, end time.Time } // zero end: open
	var cover []interval
	for _, seg := range z.history[normalizeHostname(hostname)] {
		if !seg.enabled {
			continue
		}
		start := seg.from
		if seg.certActiveAt.After(start) {
			start = seg.certActiveAt
		}
		if start.After(now) || (!seg.to.IsZero() && !start.Before(seg.to)) {
			continue // not covered yet, or never covered
		}
		cover = append(cover, interval{start, seg.to})
	}
	sort.Slice(cover, func(i, j int) bool { return cover[i].start.Before(cover[j].start) })

	var gaps []Gap
	for i, iv := range cover {
		if iv.end.IsZero() {
			break // covered from here on
		}
		if i+1 < len(cover) {
			// Versions never overlap, so coverage intervals are disjoint;
			// touching intervals leave no gap.
			if next := cover[i+1]; next.start.After(iv.end) {
				gaps = append(gaps, Gap{Start: iv.end, End: next.start})
			}
			continue
		}
		gaps = append(gaps, Gap{Start: iv.end}) // last coverage ended: open gap
	}
	return gaps
}
