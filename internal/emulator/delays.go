package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Delays are how long each status transition takes, set apart because
// Cloudflare deploys certificates far more slowly than it changes hostname
// associations.
type Delays struct {
	// CertificateDeploy: an uploaded certificate, pending_deployment -> active.
	CertificateDeploy time.Duration
	// CertificateDelete: a deleted certificate, pending_deletion -> deleted,
	// and again deleted -> purged (404).
	CertificateDelete time.Duration
	// AssociationDeploy: a hostname association created or changed,
	// pending_deployment -> active.
	AssociationDeploy time.Duration
	// AssociationRemove: a removed hostname association,
	// pending_deletion -> gone.
	AssociationRemove time.Duration
	// Jitter adds a uniformly random extra of up to this much to every
	// transition, so waiting for one object proves nothing about another.
	Jitter time.Duration
}

// UniformDelays is d for every transition, without jitter.
func UniformDelays(d time.Duration) Delays {
	return Delays{CertificateDeploy: d, CertificateDelete: d, AssociationDeploy: d, AssociationRemove: d}
}

func (d Delays) validate() error {
	for _, f := range []struct {
		name string
		v    time.Duration
	}{
		{"certificate deploy", d.CertificateDeploy}, {"certificate delete", d.CertificateDelete},
		{"association deploy", d.AssociationDeploy}, {"association remove", d.AssociationRemove}, {"jitter", d.Jitter},
	} {
		if f.v < 0 {
			return fmt.Errorf("emulator: negative %s delay %s", f.name, f.v)
		}
	}
	return nil
}

// overriding returns d with every non-zero field of o in place of its own.
func (d Delays) overriding(o Delays) Delays {
	pick := func(base, over time.Duration) time.Duration {
		if over != 0 {
			return over
		}
		return base
	}
	return Delays{
		CertificateDeploy: pick(d.CertificateDeploy, o.CertificateDeploy),
		CertificateDelete: pick(d.CertificateDelete, o.CertificateDelete),
		AssociationDeploy: pick(d.AssociationDeploy, o.AssociationDeploy),
		AssociationRemove: pick(d.AssociationRemove, o.AssociationRemove),
		Jitter:            pick(d.Jitter, o.Jitter),
	}
}

// uniform reports whether every transition takes the same time (and there
// is no jitter), the one delay State.Delay can name.
func (d Delays) uniform() bool {
	return d.Jitter == 0 && d == UniformDelays(d.CertificateDeploy)
}

// jittered returns base plus the random extra for one transition.
func (d Delays) jittered(base time.Duration) time.Duration {
	if d.Jitter <= 0 {
		return base
	}
	// Not security relevant: spreads transitions only.
	return base + rand.N(d.Jitter+1)
}

// delaysJSON is Delays on the admin endpoint, durations as "30s"; absent
// fields keep their current value on POST.
type delaysJSON struct {
	CertificateDeploy *string `json:"certificate_deploy,omitempty"`
	CertificateDelete *string `json:"certificate_delete,omitempty"`
	AssociationDeploy *string `json:"association_deploy,omitempty"`
	AssociationRemove *string `json:"association_remove,omitempty"`
	Jitter            *string `json:"jitter,omitempty"`
}

// MarshalJSON writes every delay as a Go duration string.
func (d Delays) MarshalJSON() ([]byte, error) {
	str := func(v time.Duration) *string { s := v.String(); return &s }
	return json.Marshal(delaysJSON{
		CertificateDeploy: str(d.CertificateDeploy), CertificateDelete: str(d.CertificateDelete),
		AssociationDeploy: str(d.AssociationDeploy), AssociationRemove: str(d.AssociationRemove),
		Jitter: str(d.Jitter),
	})
}

// UnmarshalJSON reads what MarshalJSON writes; absent fields are zero.
func (d *Delays) UnmarshalJSON(b []byte) error {
	v, err := applyDelaysJSON(Delays{}, b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// applyDelaysJSON returns cur with the fields body names changed.
func applyDelaysJSON(cur Delays, body []byte) (Delays, error) {
	var in delaysJSON
	if err := json.Unmarshal(body, &in); err != nil {
		return cur, err
	}
	for _, f := range []struct {
		name string
		in   *string
		out  *time.Duration
	}{
		{"certificate_deploy", in.CertificateDeploy, &cur.CertificateDeploy},
		{"certificate_delete", in.CertificateDelete, &cur.CertificateDelete},
		{"association_deploy", in.AssociationDeploy, &cur.AssociationDeploy},
		{"association_remove", in.AssociationRemove, &cur.AssociationRemove},
		{"jitter", in.Jitter, &cur.Jitter},
	} {
		if f.in == nil {
			continue
		}
		v, err := time.ParseDuration(*f.in)
		if err != nil || v < 0 {
			return cur, fmt.Errorf("%s must be a non-negative duration such as 30s", f.name)
		}
		*f.out = v
	}
	return cur, nil
}

// SetDelays changes every transition delay for changes made from now on;
// transitions already scheduled keep their time.
func (s *Server) SetDelays(d Delays) error {
	if err := d.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays = d
	return nil
}

// Delays returns the current transition delays.
func (s *Server) Delays() Delays {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delays
}

// SetDelay sets the four transition delays to d, keeping the jitter, for
// changes made from now on; transitions already scheduled keep their time.
func (s *Server) SetDelay(d time.Duration) {
	d = max(d, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	jitter := s.delays.Jitter
	s.delays = UniformDelays(d)
	s.delays.Jitter = jitter
}

// certDeployDelayLocked and its siblings draw one transition's delay.
func (s *Server) certDeployDelayLocked() time.Duration {
	return s.delays.jittered(s.delays.CertificateDeploy)
}

func (s *Server) certDeleteDelayLocked() time.Duration {
	return s.delays.jittered(s.delays.CertificateDelete)
}

func (s *Server) assocDeployDelayLocked() time.Duration {
	return s.delays.jittered(s.delays.AssociationDeploy)
}

func (s *Server) assocRemoveDelayLocked() time.Duration {
	return s.delays.jittered(s.delays.AssociationRemove)
}

// serveAdminDelays answers GET and POST /__emulator/delays.
func (s *Server) serveAdminDelays(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		var d Delays
		if err == nil {
			d, err = applyDelaysJSON(s.Delays(), body)
		}
		if err == nil {
			err = s.SetDelays(d)
		}
		if err != nil {
			writeError(w, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid delays: %v", err))
			return
		}
	}
	writeJSON(w, http.StatusOK, s.Delays())
}
