package uploadjournal

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testZoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	testFP     = "3f1a0d5c3b0e5f6a7d8c9b0a1f2e3d4c5b6a79881726354453627180910a0b0c"
)

// testJournal is a journal in dir with a settable clock.
func testJournal(t *testing.T, dir, run string, now *time.Time) *Journal {
	t.Helper()
	j := Open(context.Background(), dir)
	if j == nil {
		t.Fatalf("no journal in %s", dir)
	}
	j.run = run
	j.now = func() time.Time { return *now }
	return j
}

func readJournal(t *testing.T, dir string) []Attempt {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var c content
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("journal is not JSON: %v\n%s", err, raw)
	}
	return c.Attempts
}

func TestOpen_offWithoutDataDirectory(t *testing.T) {
	if j := Open(context.Background(), filepath.Join(t.TempDir(), "missing")); j != nil {
		t.Fatal("a journal was opened in a directory that does not exist")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if j := Open(context.Background(), file); j != nil {
		t.Fatal("a journal was opened in a file")
	}
	// A nil journal records nothing and adopts nothing.
	var j *Journal
	ctx := context.Background()
	a := j.Begin(ctx, testZoneID, ZoneCertificate, testFP)
	j.Abandon(ctx, a)
	j.Forget(ctx, testZoneID, ZoneCertificate, testFP)
	if _, ok := j.Adoptable(ctx, testZoneID, ZoneCertificate, testFP, time.Now()); ok {
		t.Fatal("a nil journal adopted a certificate")
	}
	// TF_DATA_DIR is where Terraform keeps its data when set.
	data := t.TempDir()
	t.Setenv("TF_DATA_DIR", data)
	if j := Open(ctx, ""); j == nil || j.dir != data {
		t.Fatalf("journal %+v, want one in TF_DATA_DIR %s", j, data)
	}
}

func TestJournal_adoptionRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	killed := testJournal(t, dir, "1111", &now)
	ctx := context.Background()
	a := killed.Begin(ctx, testZoneID, HostnameCertificate, testFP)

	now = now.Add(time.Hour)
	next := testJournal(t, dir, "2222", &now)
	uploaded := a.AttemptedAt.Add(time.Second)
	cases := []struct {
		name     string
		j        *Journal
		zone, fp string
		kind     Kind
		at       time.Time
		want     bool
	}{
		{"earlier run, uploaded after the attempt", next, testZoneID, testFP, HostnameCertificate, uploaded, true},
		{"within the clock skew before the attempt", next, testZoneID, testFP, HostnameCertificate, a.AttemptedAt.Add(-time.Minute), true},
		{"uploaded before the attempt", next, testZoneID, testFP, HostnameCertificate, a.AttemptedAt.Add(-time.Hour), false},
		{"uploaded in the future", next, testZoneID, testFP, HostnameCertificate, now.Add(time.Hour), false},
		{"upload time unknown", next, testZoneID, testFP, HostnameCertificate, time.Time{}, false},
		{"same Terraform run", killed, testZoneID, testFP, HostnameCertificate, uploaded, false},
		{"other kind", next, testZoneID, testFP, ZoneCertificate, uploaded, false},
		{"other zone", next, strings.Repeat("a", 32), testFP, HostnameCertificate, uploaded, false},
		{"other certificate", next, testZoneID, strings.Repeat("0", 64), HostnameCertificate, uploaded, false},
	}
	for _, tc := range cases {
		if _, got := tc.j.Adoptable(ctx, tc.zone, tc.kind, tc.fp, tc.at); got != tc.want {
			t.Errorf("%s: Adoptable = %t, want %t", tc.name, got, tc.want)
		}
	}

	// After a day the attempt is no longer evidence, and it is pruned.
	now = a.AttemptedAt.Add(ttl + time.Minute)
	if _, ok := next.Adoptable(ctx, testZoneID, HostnameCertificate, testFP, uploaded); ok {
		t.Error("an expired attempt was adopted")
	}
	next.Begin(ctx, testZoneID, ZoneCertificate, strings.Repeat("1", 64))
	if got := readJournal(t, dir); len(got) != 1 || got[0].Kind != ZoneCertificate {
		t.Errorf("expired attempts were not pruned: %+v", got)
	}
}

func TestJournal_abandonAndForget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	j := testJournal(t, dir, "1", &now)
	ctx := context.Background()
	a1 := j.Begin(ctx, testZoneID, ZoneCertificate, testFP)
	now = now.Add(time.Second)
	a2 := j.Begin(ctx, testZoneID, ZoneCertificate, testFP)
	other := j.Begin(ctx, testZoneID, HostnameCertificate, testFP)
	j.Abandon(ctx, a2)
	if got := readJournal(t, dir); len(got) != 2 || got[0] != a1 || got[1] != other {
		t.Fatalf("after Abandon: %+v", got)
	}
	j.Forget(ctx, testZoneID, ZoneCertificate, testFP)
	if got := readJournal(t, dir); len(got) != 1 || got[0] != other {
		t.Fatalf("after Forget: %+v", got)
	}
}

// The oldest attempts give way once the journal is full.
func TestJournal_keepsTheNewestAttempts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	j := testJournal(t, dir, "1", &now)
	full := make([]Attempt, limit)
	for i := range full {
		full[i] = Attempt{ZoneID: testZoneID, Kind: ZoneCertificate, SHA256: fmt.Sprintf("%064d", i), Run: "0", AttemptedAt: now.UTC()}
	}
	if err := j.write(full); err != nil {
		t.Fatal(err)
	}
	newest := j.Begin(context.Background(), testZoneID, ZoneCertificate, testFP)
	got := readJournal(t, dir)
	if len(got) != limit || got[0] != full[1] || got[limit-1] != newest {
		t.Fatalf("%d attempts kept, from %+v to %+v", len(got), got[0], got[len(got)-1])
	}
}

// The file is private, holds fingerprints only, and survives corruption.
func TestJournal_fileModeAndContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	j := testJournal(t, dir, "1", &now)
	ctx := context.Background()
	j.Begin(ctx, testZoneID, ZoneCertificate, testFP)
	path := filepath.Join(dir, FileName)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	for _, field := range []string{`"zone_id"`, `"kind"`, `"sha256"`, `"run"`, `"attempted_at"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("journal lacks %s:\n%s", field, raw)
		}
	}
	if strings.Contains(string(raw), "BEGIN") {
		t.Fatalf("journal holds PEM:\n%s", raw)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	j.Begin(ctx, testZoneID, HostnameCertificate, testFP)
	if got := readJournal(t, dir); len(got) != 1 {
		t.Fatalf("a corrupt journal was not replaced: %+v", got)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(matches) != 0 {
		t.Fatalf("temporary files left behind: %v", matches)
	}
}

// Several provider processes (one journal each) write at once; the lock
// keeps every attempt.
func TestJournal_concurrentWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		now := time.Now()
		j := testJournal(t, dir, fmt.Sprint(w), &now)
		wg.Go(func() {
			for i := range each {
				j.Begin(context.Background(), testZoneID, ZoneCertificate, fmt.Sprintf("%064d", w*each+i))
			}
		})
	}
	wg.Wait()
	if got := readJournal(t, dir); len(got) != writers*each {
		t.Fatalf("%d attempts recorded, want %d", len(got), writers*each)
	}
}
