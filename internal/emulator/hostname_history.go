package emulator

import "time"

// version is one state of a hostname's association, from the change that
// made it until the next change. The history of versions, not the current
// binding, decides what the edge presents: Cloudflare deploys association
// changes asynchronously, so the edge keeps the previous configuration
// until the new one is deployed.
type version struct {
	at       time.Time    // when the change was made
	deployAt time.Time    // when the association is active (deployed)
	cert     *certificate // nil for a removal; kept after the certificate is purged
	enabled  bool
}

// withdraws reports whether v takes the hostname's certificate away (a
// removal or a disabled association). Such a change counts at once, not
// when deployed: the record never credits a certificate the user has asked
// to stop presenting.
func (v version) withdraws() bool { return v.cert == nil || !v.enabled }

// recordVersion appends the state the hostname's association has from now:
// b with its certificate c, or a removal when b is nil.
func (z *zone) recordVersion(hostname string, now time.Time, b *binding, c *certificate) {
	v := version{at: now}
	if b != nil {
		v.deployAt, v.cert, v.enabled = b.activeAt, c, b.enabled
	}
	z.history[hostname] = append(z.history[hostname], v)
}

// presentedAt returns the hostname certificate the edge presents for
// hostname at t, nil when none.
//
// The edge serves the latest deployed version: the current one once its
// association is active, else the one before it, and so on back. A version
// replaced before its association became active was never deployed (the
// API never showed it active). Going back stops at a removal or a disabled
// version, which takes effect at once (see withdraws). The served version's
// certificate is presented only while it is active: not while it is still
// pending deployment, nor from the moment its deletion is requested.
func (z *zone) presentedAt(hostname string, t time.Time) *certificate {
	vs := z.history[hostname]
	i := len(vs) - 1
	for i >= 0 && vs[i].at.After(t) {
		i--
	}
	end := t // how long version i stayed current, as seen at t
	for ; i >= 0; i-- {
		v := vs[i]
		if v.withdraws() {
			return nil
		}
		if !v.deployAt.After(end) {
			if v.cert.activeAtTime(t) {
				return v.cert
			}
			return nil
		}
		end = v.at
	}
	return nil
}

// CertificateDeletionRequested returns when the deletion of certificate id
// in zone zoneID was requested, and false when it was not or the emulator
// no longer knows the certificate. Unlike Snapshot it still answers after a
// deleted certificate is purged, as long as a hostname's association
// history refers to it: tests check the order of deletions and moves after
// the run, however long the run took to end.
func (s *Server) CertificateDeletionRequested(zoneID, id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.zonesByID[zoneID]
	if z == nil {
		return time.Time{}, false
	}
	found := func(c *certificate) (time.Time, bool) {
		return c.deleteRequestedAt, !c.deleteRequestedAt.IsZero()
	}
	for _, c := range z.certs {
		if c.id == id {
			return found(c)
		}
	}
	for _, vs := range z.history {
		for _, v := range vs {
			if v.cert != nil && v.cert.id == id {
				return found(v.cert)
			}
		}
	}
	return time.Time{}, false
}
