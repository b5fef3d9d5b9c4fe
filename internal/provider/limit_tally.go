package provider

import (
	"strconv"
	"sync"
)

// Cloudflare's limits that a plan can break without any single resource
// being wrong (API reference, "Limits in the spec").
const (
	maxHostnameCertificatesPerZone = 10
	maxAssociationsPerCertificate  = 100
)

// limitTally counts, for one Terraform run (one provider process), what
// the run knows about the two limits, so that the resource whose planning
// pushes a zone or a certificate past its limit gets a plan-time error
// instead of an apply that stops halfway.
//
// The rule, the same for both limits: count what exists plus what this run
// adds; do not subtract what it deletes or moves away. Terraform does not
// order the deletion of one resource before the creation of another, so a
// deletion elsewhere in the plan may reach Cloudflare after the addition,
// which Cloudflare then refuses. The one removal that is certain to come
// first is the replaced object of a resource that is replaced in place
// (destroy, then create): a replacement counts as neither an addition nor a
// removal. A replacement with create_before_destroy briefly needs one more
// slot, which the provider cannot see (Terraform does not tell providers
// about lifecycle settings); Cloudflare's own refusal still catches it.
//
// Because resources are planned concurrently, the counts only grow during a
// run, and the resource that crosses a limit is whichever is planned last.
type limitTally struct {
	mu sync.Mutex
	// uploads: zone ID → keys (SHA-256 fingerprints) of the hostname
	// certificates this run creates.
	uploads map[string]map[string]bool
	// associations: certificate ID → "zone_id/hostname" of the hostnames
	// bound to it, as read during refresh or planned in this run.
	associations map[string]map[string]bool
	// certificateZones: hostname certificate ID → zone ID, for the
	// certificates this run has read or planned.
	certificateZones map[string]string
	// inState: IDs of certificates this run read from state (refresh).
	inState     map[string]bool
	unknownKeys int
}

func newLimitTally() *limitTally {
	return &limitTally{uploads: map[string]map[string]bool{}, associations: map[string]map[string]bool{}, certificateZones: map[string]string{}, inState: map[string]bool{}}
}

// unknownKey stands for a value not known at plan time: it is counted once
// and never equal to another.
func (t *limitTally) unknownKey() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unknownKeys++
	return "unknown-" + strconv.Itoa(t.unknownKeys)
}

// addUpload records a planned hostname certificate upload and returns how
// many hostname certificates the zone then holds: the live ones (by
// fingerprint) plus this run's uploads that are not live yet, and how many
// of those are this run's.
func (t *limitTally) addUpload(zoneID, key string, live map[string]bool) (total, planned int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	set := t.uploads[zoneID]
	if set == nil {
		set = map[string]bool{}
		t.uploads[zoneID] = set
	}
	set[key] = true
	total = len(live)
	for k := range set {
		if !live[k] {
			total++
			planned++
		}
	}
	return total, planned
}

// knowAssociation records an existing association read during refresh.
func (t *limitTally) knowAssociation(certID, key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.associationsOf(certID)[key] = true
}

// addAssociation records a planned association and returns how many
// hostnames the certificate then has in this run's count.
func (t *limitTally) addAssociation(certID, key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	set := t.associationsOf(certID)
	set[key] = true
	return len(set)
}

// forgetAssociation drops the association a replaced binding had.
func (t *limitTally) forgetAssociation(certID, key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.associations[certID], key)
}

func (t *limitTally) associationsOf(certID string) map[string]bool {
	set := t.associations[certID]
	if set == nil {
		set = map[string]bool{}
		t.associations[certID] = set
	}
	return set
}

// noteCertificate remembers which zone a hostname certificate is in.
func (t *limitTally) noteCertificate(certID, zoneID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.certificateZones[certID] = zoneID
}

// certificateZone returns the zone of a hostname certificate this run knows.
func (t *limitTally) certificateZone(certID string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	z, ok := t.certificateZones[certID]
	return z, ok
}

// noteInState remembers a certificate that a resource of this run holds in
// state, also a tainted one that Terraform is about to replace.
func (t *limitTally) noteInState(certID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inState[certID] = true
}

// isInState reports whether a resource of this run holds the certificate.
func (t *limitTally) isInState(certID string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inState[certID]
}
