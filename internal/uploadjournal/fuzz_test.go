package uploadjournal

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The journal is read back from disk, where anything may have happened to
// it: any content is either used or replaced, never a panic, and adoption
// only follows the rules.
func FuzzUploadJournal(f *testing.F) {
	f.Add(`{"version":1,"attempts":[{"zone_id":"z","kind":"zone","sha256":"f","run":"1","attempted_at":"2026-05-01T12:00:00Z"}]}`)
	f.Add(`{"attempts":null}`)
	f.Add(`[]`)
	f.Add(`{"attempts":[{"attempted_at":"not a time"}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
		j := &Journal{dir: dir, run: "2", now: func() time.Time { return now }}
		ctx := context.Background()
		a, ok := j.Adoptable(ctx, "z", ZoneCertificate, "f", now)
		if ok && (a.Run == "2" || now.Sub(a.AttemptedAt) > ttl || a.ZoneID != "z" || a.SHA256 != "f" || a.Kind != ZoneCertificate) {
			t.Fatalf("adopted on the strength of %+v", a)
		}
		j.Begin(ctx, "z", HostnameCertificate, "g")
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c content
		if err := json.Unmarshal(raw, &c); err != nil || len(c.Attempts) == 0 {
			t.Fatalf("after an update the journal is %q (%v)", raw, err)
		}
	})
}
