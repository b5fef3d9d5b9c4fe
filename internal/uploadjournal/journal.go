// Package uploadjournal keeps the provider's upload journal, which lets an
// apply that was killed after Cloudflare stored a certificate, but before
// Terraform saved its state, converge on the next apply instead of failing
// with "Certificate Already Uploaded".
//
// Before each upload the provider records an attempt (zone, kind, SHA-256
// fingerprint, time, and the Terraform process it ran under) in
// <data dir>/cfaop-upload-journal.json, where the data dir is TF_DATA_DIR or
// .terraform in the working directory Terraform runs the provider in. When an
// upload is answered with Cloudflare's 1406 (the certificate already exists),
// the existing certificate is adopted only if the journal shows an attempt by
// an earlier Terraform process in the last 24 hours and Cloudflare's
// uploaded_on for the certificate is not earlier than that attempt. Any other
// certificate that already exists (uploaded through the dashboard, the API,
// another working directory or more than 24 hours ago) stays an error that
// names the import command.
//
// An attempt is removed when its upload is refused for certain, when a
// refresh reads the certificate from state (so state holds it), when the
// certificate is deleted, and after 24 hours. The file holds fingerprints and
// zone IDs only, never a certificate or a key, and is written with mode 0600.
// Writers, including several provider processes of one run (provider
// aliases), take an exclusive lock on cfaop-upload-journal.lock, which the
// operating system releases when its holder ends (see lock.go).
//
// Limits: a fresh working directory (a new CI checkout, a new Terraform Cloud
// run, a deleted .terraform) has no journal, so a certificate stored by a
// killed run in another directory is reported as already uploaded and must
// be imported. If the journal's directory does not exist, the journal is off.
package uploadjournal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// FileName is the journal's file in the Terraform data directory.
const FileName = "cfaop-upload-journal.json"

const (
	lockName = "cfaop-upload-journal.lock"
	ttl      = 24 * time.Hour
	skew     = 2 * time.Minute // clock difference tolerated between this machine and Cloudflare
	lockWait = 10 * time.Second
	limit    = 1000 // attempts kept at most; the oldest go first
)

// Kind is the kind of certificate an attempt uploads, as the file spells it.
type Kind string

const (
	ZoneCertificate     Kind = "zone"
	HostnameCertificate Kind = "hostname"
)

// Attempt is one journal entry.
type Attempt struct {
	ZoneID      string    `json:"zone_id"`
	Kind        Kind      `json:"kind"`
	SHA256      string    `json:"sha256"`
	Run         string    `json:"run"`
	AttemptedAt time.Time `json:"attempted_at"`
}

// content is the file's layout.
type content struct {
	Version  int       `json:"version"`
	Attempts []Attempt `json:"attempts"`
}

// Journal is the journal of one working directory; a nil journal
// records nothing and adopts nothing.
type Journal struct {
	dir string
	run string // the Terraform process this provider serves
	now func() time.Time
	mu  sync.Mutex // the file lock also excludes other processes
}

// Open returns the journal in dir, or in TF_DATA_DIR or .terraform when dir
// is empty; nil when that directory does not exist.
func Open(ctx context.Context, dir string) *Journal {
	if dir == "" {
		dir = os.Getenv("TF_DATA_DIR")
		if dir == "" {
			dir = ".terraform"
		}
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(abs); err == nil && !st.IsDir() {
			err = fmt.Errorf("%s is not a directory", abs)
		}
	}
	if err != nil {
		tflog.Debug(ctx, "Upload journal off: no Terraform data directory", map[string]any{"dir": dir, "error": err.Error()})
		return nil
	}
	return &Journal{dir: abs, run: strconv.Itoa(os.Getppid()), now: time.Now}
}

// Begin records an upload about to be sent and returns the entry.
func (j *Journal) Begin(ctx context.Context, zoneID string, kind Kind, fingerprint string) Attempt {
	if j == nil {
		return Attempt{}
	}
	a := Attempt{ZoneID: zoneID, Kind: kind, SHA256: fingerprint, Run: j.run, AttemptedAt: j.now().UTC()}
	j.update(ctx, "record", func(as []Attempt) []Attempt { return append(as, a) })
	return a
}

// Abandon removes an attempt whose upload was refused for certain.
func (j *Journal) Abandon(ctx context.Context, a Attempt) {
	if j == nil || a.SHA256 == "" {
		return
	}
	j.update(ctx, "abandon", func(as []Attempt) []Attempt {
		return slices.DeleteFunc(as, func(x Attempt) bool { return x == a })
	})
}

// Forget removes every attempt for a certificate that state now holds or
// that is deleted.
func (j *Journal) Forget(ctx context.Context, zoneID string, kind Kind, fingerprint string) {
	if j == nil || fingerprint == "" {
		return
	}
	j.update(ctx, "forget", func(as []Attempt) []Attempt {
		return slices.DeleteFunc(as, func(x Attempt) bool { return x.ZoneID == zoneID && x.Kind == kind && x.SHA256 == fingerprint })
	})
}

// Adoptable returns the attempt of an earlier Terraform process that
// explains an existing certificate uploaded at uploadedOn.
func (j *Journal) Adoptable(ctx context.Context, zoneID string, kind Kind, fingerprint string, uploadedOn time.Time) (Attempt, bool) {
	if j == nil || uploadedOn.IsZero() {
		return Attempt{}, false
	}
	var attempts []Attempt
	j.update(ctx, "read", func(as []Attempt) []Attempt {
		attempts = slices.Clone(as)
		return as
	})
	now := j.now()
	for _, a := range slices.Backward(attempts) {
		if a.ZoneID != zoneID || a.Kind != kind || a.SHA256 != fingerprint || a.Run == j.run {
			continue
		}
		if now.Sub(a.AttemptedAt) > ttl || uploadedOn.Before(a.AttemptedAt.Add(-skew)) ||
			uploadedOn.After(now.Add(skew)) {
			continue
		}
		return a, true
	}
	return Attempt{}, false
}

// update runs change on the journal's attempts under the lock and writes the
// result when it differs. Expired attempts are dropped on the way. Failures
// are logged, never returned: without the journal the provider behaves as if
// it were off.
func (j *Journal) update(ctx context.Context, op string, change func([]Attempt) []Attempt) {
	j.mu.Lock()
	defer j.mu.Unlock()
	err := func() error {
		unlock, err := lockFile(ctx, filepath.Join(j.dir, lockName), lockWait)
		if err != nil {
			return err
		}
		defer unlock()
		before, err := j.read()
		if err != nil {
			tflog.Warn(ctx, "Upload journal unreadable; starting a new one", map[string]any{"error": err.Error()})
		}
		now := j.now()
		kept := slices.DeleteFunc(slices.Clone(before), func(a Attempt) bool {
			return now.Sub(a.AttemptedAt) > ttl
		})
		after := change(kept)
		if len(after) > limit {
			after = after[len(after)-limit:]
		}
		if err == nil && slices.Equal(before, after) {
			return nil
		}
		return j.write(after)
	}()
	if err != nil {
		tflog.Warn(ctx, "Upload journal not updated", map[string]any{"operation": op, "error": err.Error()})
	}
}

func (j *Journal) read() ([]Attempt, error) {
	raw, err := os.ReadFile(filepath.Join(j.dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c content
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", FileName, err)
	}
	return c.Attempts, nil
}

// write replaces the file atomically, so a process killed mid-write leaves
// the previous version.
func (j *Journal) write(attempts []Attempt) error {
	if attempts == nil {
		attempts = []Attempt{}
	}
	raw, err := json.MarshalIndent(content{Version: 1, Attempts: attempts}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(j.dir, FileName+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(j.dir, FileName))
}
