package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"time"
)

// Status values of certificates and hostname associations, as in the
// OpenAPI enum. The emulator never produces initializing,
// deployment_timed_out or deletion_timed_out.
const (
	StatusPendingDeployment = "pending_deployment"
	StatusActive            = "active"
	StatusPendingDeletion   = "pending_deletion"
	StatusDeleted           = "deleted"
)

type certKind int

const (
	kindZone certKind = iota
	kindHostname
)

// zone holds everything the emulator knows about one zone.
type zone struct {
	id, name  string
	createdOn time.Time

	tlsClientAuth         string    // global AOP zone setting, "on" or "off"
	tlsClientAuthModified time.Time // zero: never modified
	zoneLevelEnabled      bool      // origin_tls_client_auth/settings
	ssl                   string    // zone setting ssl: off, flexible, full or strict
	sslModified           time.Time // zero: never modified

	// zoneCertBusyUntil ends the write window of the last zone-certificate
	// upload or delete (wall clock; see zone_cert_busy.go).
	zoneCertBusyUntil time.Time

	certs    []*certificate       // both kinds, in upload order
	bindings map[string]*binding  // by hostname
	history  map[string][]version // by hostname, oldest first
}

func newZone(id, name string, created time.Time) *zone {
	z := &zone{id: id, name: name, createdOn: created}
	z.reset()
	return z
}

func (z *zone) reset() {
	z.tlsClientAuth = "off"
	z.tlsClientAuthModified = time.Time{}
	z.zoneLevelEnabled = false
	z.ssl, z.sslModified = defaultSSLMode, time.Time{}
	z.certs = nil
	z.bindings = map[string]*binding{}
	z.history = map[string][]version{}
}

// certificate is an uploaded zone-level or hostname certificate. Its status
// is derived from the timestamps: active from activeAt, pending_deletion
// from deleteRequestedAt, deleted from deletedAt, purged (gone) from purgeAt.
type certificate struct {
	id     string
	kind   certKind
	der    []byte
	pem    string
	keyDER []byte // PKCS#8; kept for an emulated edge, never answered

	issuer, signature, serial string
	notAfter                  time.Time

	uploadedOn, activeAt                  time.Time
	deleteRequestedAt, deletedAt, purgeAt time.Time // zero until deletion is requested
}

// live reports whether deletion of c has not been requested.
func (c *certificate) live() bool { return c.deleteRequestedAt.IsZero() }

func (c *certificate) status(now time.Time) string {
	switch {
	case !c.live() && !now.Before(c.deletedAt):
		return StatusDeleted
	case !c.live():
		return StatusPendingDeletion
	case now.Before(c.activeAt):
		return StatusPendingDeployment
	default:
		return StatusActive
	}
}

// activeAtTime reports whether c was active at t, which may be in the past:
// deployed by then and its deletion not yet requested.
func (c *certificate) activeAtTime(t time.Time) bool {
	return !t.Before(c.activeAt) && (c.live() || t.Before(c.deleteRequestedAt))
}

// updatedAt is the time of c's last status change as seen at now.
func (c *certificate) updatedAt(now time.Time) time.Time {
	switch {
	case !c.live() && !now.Before(c.deletedAt):
		return c.deletedAt
	case !c.live():
		return c.deleteRequestedAt
	case now.Before(c.activeAt):
		return c.uploadedOn
	default:
		return c.activeAt
	}
}

func (c *certificate) purged(now time.Time) bool {
	return !c.live() && !now.Before(c.purgeAt)
}

// binding is the association of a hostname with a hostname certificate.
// A removed binding (enabled: null) stays visible as pending_deletion until
// goneAt.
type binding struct {
	hostname, certID     string
	enabled              bool
	createdAt, updatedAt time.Time
	activeAt             time.Time
	removedAt, goneAt    time.Time // zero unless removed
}

func (b *binding) removed() bool { return !b.removedAt.IsZero() }

func (b *binding) status(now time.Time) string {
	switch {
	case b.removed():
		return StatusPendingDeletion
	case now.Before(b.activeAt):
		return StatusPendingDeployment
	default:
		return StatusActive
	}
}

func (b *binding) gone(now time.Time) bool { return b.removed() && !now.Before(b.goneAt) }

// purgeLocked forgets purged certificates and bindings whose removal has
// completed. Callers hold s.mu.
func (s *Server) purgeLocked(now time.Time) {
	for _, z := range s.zones {
		kept := z.certs[:0]
		for _, c := range z.certs {
			if !c.purged(now) {
				kept = append(kept, c)
			}
		}
		for i := len(kept); i < len(z.certs); i++ {
			z.certs[i] = nil
		}
		z.certs = kept
		for h, b := range z.bindings {
			if b.gone(now) {
				delete(z.bindings, h)
			}
		}
	}
}

// findCert returns the certificate of kind with id in z, unless purged.
func (z *zone) findCert(kind certKind, id string) *certificate {
	for _, c := range z.certs {
		if c.kind == kind && c.id == id {
			return c
		}
	}
	return nil
}

// removeCert forgets c at once, as purging would.
func (z *zone) removeCert(c *certificate) {
	z.certs = slices.DeleteFunc(z.certs, func(x *certificate) bool { return x == c })
}

// State is a JSON-serialisable copy of the emulator's state, as returned by
// Snapshot and GET /__emulator/state. Statuses are computed at the time of
// the snapshot. Private keys are never included.
type State struct {
	Now time.Time `json:"now"`
	// Delay is the one delay of every transition, "" when they differ
	// (or jitter is set).
	Delay  string      `json:"delay"`
	Delays Delays      `json:"delays"`
	Zones  []ZoneState `json:"zones"`
}

// ZoneState is one zone in a State.
type ZoneState struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	Settings             ZoneSettings       `json:"settings"`
	ZoneCertificates     []CertificateState `json:"zone_certificates"`
	HostnameCertificates []CertificateState `json:"hostname_certificates"`
	Bindings             []BindingState     `json:"bindings"`
}

// ZoneSettings are the AOP-related settings of a zone.
type ZoneSettings struct {
	// TLSClientAuth is the global AOP zone setting tls_client_auth, "on" or "off".
	TLSClientAuth           string     `json:"tls_client_auth"`
	TLSClientAuthModifiedOn *time.Time `json:"tls_client_auth_modified_on"`
	// ZoneLevelEnabled is origin_tls_client_auth/settings "enabled".
	ZoneLevelEnabled bool `json:"zone_level_enabled"`
	// SSL is the zone's SSL/TLS mode (zone setting ssl).
	SSL string `json:"ssl"`
}

// CertificateState is one uploaded certificate (deleted ones stay until
// purged).
type CertificateState struct {
	ID                  string     `json:"id"`
	Status              string     `json:"status"`
	Certificate         string     `json:"certificate"`
	SHA256              string     `json:"sha256"`
	Issuer              string     `json:"issuer"`
	SerialNumber        string     `json:"serial_number"`
	Signature           string     `json:"signature"`
	ExpiresOn           time.Time  `json:"expires_on"`
	UploadedOn          time.Time  `json:"uploaded_on"`
	DeletionRequestedOn *time.Time `json:"deletion_requested_on"`
}

// BindingState is one hostname association; Enabled is nil while a removed
// association is pending deletion.
type BindingState struct {
	Hostname  string    `json:"hostname"`
	CertID    string    `json:"cert_id"`
	Enabled   *bool     `json:"enabled"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Snapshot returns a deep copy of the state: zones, settings, certificates
// (without private keys) and hostname associations.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeLocked(now)
	st := State{Now: now, Delays: s.delays, Zones: []ZoneState{}}
	if s.delays.uniform() {
		st.Delay = s.delays.CertificateDeploy.String()
	}
	for _, z := range s.zones {
		zs := ZoneState{
			ID:   z.id,
			Name: z.name,
			Settings: ZoneSettings{
				TLSClientAuth:    z.tlsClientAuth,
				ZoneLevelEnabled: z.zoneLevelEnabled,
				SSL:              z.ssl,
			},
			ZoneCertificates:     []CertificateState{},
			HostnameCertificates: []CertificateState{},
			Bindings:             []BindingState{},
		}
		if !z.tlsClientAuthModified.IsZero() {
			t := z.tlsClientAuthModified
			zs.Settings.TLSClientAuthModifiedOn = &t
		}
		for _, c := range z.certs {
			cs := CertificateState{
				ID:           c.id,
				Status:       c.status(now),
				Certificate:  c.pem,
				SHA256:       fingerprint(c.der),
				Issuer:       c.issuer,
				SerialNumber: c.serial,
				Signature:    c.signature,
				ExpiresOn:    c.notAfter,
				UploadedOn:   c.uploadedOn,
			}
			if !c.live() {
				t := c.deleteRequestedAt
				cs.DeletionRequestedOn = &t
			}
			if c.kind == kindZone {
				zs.ZoneCertificates = append(zs.ZoneCertificates, cs)
			} else {
				zs.HostnameCertificates = append(zs.HostnameCertificates, cs)
			}
		}
		for _, h := range sortedKeys(z.bindings) {
			b := z.bindings[h]
			bs := BindingState{
				Hostname:  b.hostname,
				CertID:    b.certID,
				Status:    b.status(now),
				CreatedAt: b.createdAt,
				UpdatedAt: b.updatedAt,
			}
			if !b.removed() {
				e := b.enabled
				bs.Enabled = &e
			}
			zs.Bindings = append(zs.Bindings, bs)
		}
		st.Zones = append(st.Zones, zs)
	}
	return st
}

// Reset wipes certificates, associations, association history and settings
// of every zone; the zones themselves (and their IDs) stay, and so do the
// origins set with SetOrigin.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, z := range s.zones {
		z.reset()
	}
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
