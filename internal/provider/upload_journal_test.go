package provider

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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const journalFP = "3f1a0d5c3b0e5f6a7d8c9b0a1f2e3d4c5b6a79881726354453627180910a0b0c"

// testJournal is a journal in a temporary directory with a settable clock.
func testJournal(t *testing.T, dir, run string, now *time.Time) *uploadJournal {
	t.Helper()
	j := openUploadJournal(context.Background(), dir)
	if j == nil {
		t.Fatalf("no journal in %s", dir)
	}
	j.run = run
	j.now = func() time.Time { return *now }
	return j
}

func readJournal(t *testing.T, dir string) []uploadAttempt {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, uploadJournalFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var c uploadJournalContent
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("journal is not JSON: %v\n%s", err, raw)
	}
	return c.Attempts
}

func TestUploadJournal_offWithoutDataDirectory(t *testing.T) {
	if j := openUploadJournal(context.Background(), filepath.Join(t.TempDir(), "missing")); j != nil {
		t.Fatal("a journal was opened in a directory that does not exist")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if j := openUploadJournal(context.Background(), file); j != nil {
		t.Fatal("a journal was opened in a file")
	}
	// A nil journal records nothing and adopts nothing.
	var j *uploadJournal
	ctx := context.Background()
	a := j.begin(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	j.abandon(ctx, a)
	j.forget(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	if _, ok := j.adoptable(ctx, testZoneID, cfapi.ZoneCertificate, journalFP, time.Now()); ok {
		t.Fatal("a nil journal adopted a certificate")
	}
	// TF_DATA_DIR is where Terraform keeps its data when set.
	data := t.TempDir()
	t.Setenv("TF_DATA_DIR", data)
	if j := openUploadJournal(ctx, ""); j == nil || j.dir != data {
		t.Fatalf("journal %+v, want one in TF_DATA_DIR %s", j, data)
	}
}

const testZoneID = "023e105f4ecef8ad9ca31a8372d0c353"

func TestUploadJournal_adoptionRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	killed := testJournal(t, dir, "1111", &now)
	ctx := context.Background()
	a := killed.begin(ctx, testZoneID, cfapi.HostnameCertificate, journalFP)

	now = now.Add(time.Hour)
	next := testJournal(t, dir, "2222", &now)
	uploaded := a.AttemptedAt.Add(time.Second)
	cases := []struct {
		name     string
		j        *uploadJournal
		zone, fp string
		kind     cfapi.CertificateKind
		at       time.Time
		want     bool
	}{
		{"earlier run, uploaded after the attempt", next, testZoneID, journalFP, cfapi.HostnameCertificate, uploaded, true},
		{"within the clock skew before the attempt", next, testZoneID, journalFP, cfapi.HostnameCertificate, a.AttemptedAt.Add(-time.Minute), true},
		{"uploaded before the attempt", next, testZoneID, journalFP, cfapi.HostnameCertificate, a.AttemptedAt.Add(-time.Hour), false},
		{"uploaded in the future", next, testZoneID, journalFP, cfapi.HostnameCertificate, now.Add(time.Hour), false},
		{"upload time unknown", next, testZoneID, journalFP, cfapi.HostnameCertificate, time.Time{}, false},
		{"same Terraform run", killed, testZoneID, journalFP, cfapi.HostnameCertificate, uploaded, false},
		{"other kind", next, testZoneID, journalFP, cfapi.ZoneCertificate, uploaded, false},
		{"other zone", next, strings.Repeat("a", 32), journalFP, cfapi.HostnameCertificate, uploaded, false},
		{"other certificate", next, testZoneID, strings.Repeat("0", 64), cfapi.HostnameCertificate, uploaded, false},
	}
	for _, tc := range cases {
		if _, got := tc.j.adoptable(ctx, tc.zone, tc.kind, tc.fp, tc.at); got != tc.want {
			t.Errorf("%s: adoptable = %t, want %t", tc.name, got, tc.want)
		}
	}

	// After 24 hours the attempt is no longer evidence, and it is pruned.
	now = a.AttemptedAt.Add(uploadJournalTTL + time.Minute)
	if _, ok := next.adoptable(ctx, testZoneID, cfapi.HostnameCertificate, journalFP, uploaded); ok {
		t.Error("an attempt older than 24 hours was adopted")
	}
	next.begin(ctx, testZoneID, cfapi.ZoneCertificate, strings.Repeat("1", 64))
	if got := readJournal(t, dir); len(got) != 1 || got[0].Kind != "zone" {
		t.Errorf("expired attempts were not pruned: %+v", got)
	}
}

func TestUploadJournal_abandonAndForget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	j := testJournal(t, dir, "1", &now)
	ctx := context.Background()
	a1 := j.begin(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	now = now.Add(time.Second)
	a2 := j.begin(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	other := j.begin(ctx, testZoneID, cfapi.HostnameCertificate, journalFP)
	j.abandon(ctx, a2)
	if got := readJournal(t, dir); len(got) != 2 || got[0] != a1 || got[1] != other {
		t.Fatalf("after abandon: %+v", got)
	}
	j.forget(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	if got := readJournal(t, dir); len(got) != 1 || got[0] != other {
		t.Fatalf("after forget: %+v", got)
	}
}

// The file is private, holds fingerprints only, and survives corruption.
func TestUploadJournal_fileModeAndContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	j := testJournal(t, dir, "1", &now)
	ctx := context.Background()
	j.begin(ctx, testZoneID, cfapi.ZoneCertificate, journalFP)
	path := filepath.Join(dir, uploadJournalFile)
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
	j.begin(ctx, testZoneID, cfapi.HostnameCertificate, journalFP)
	if got := readJournal(t, dir); len(got) != 1 {
		t.Fatalf("a corrupt journal was not replaced: %+v", got)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(matches) != 0 {
		t.Fatalf("temporary files left behind: %v", matches)
	}
}

// Several provider processes (one journal each) write at once; the lock
// keeps every attempt.
func TestUploadJournal_concurrentWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		now := time.Now()
		j := testJournal(t, dir, fmt.Sprint(w), &now)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				j.begin(context.Background(), testZoneID, cfapi.ZoneCertificate, fmt.Sprintf("%064d", w*each+i))
			}
		}()
	}
	wg.Wait()
	if got := readJournal(t, dir); len(got) != writers*each {
		t.Fatalf("%d attempts recorded, want %d", len(got), writers*each)
	}
}

// journalFactories serve a provider whose upload journal lives in dir.
func journalFactories(dir string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cfaop": providerserver.NewProtocol6WithError(&cfaopProvider{version: "test", journalDir: dir, poll: shortPolls}),
	}
}

// writeAttempt puts an attempt of another Terraform process into the journal.
func writeAttempt(t *testing.T, dir string, a uploadAttempt) {
	t.Helper()
	j := &uploadJournal{dir: dir, run: "writer", now: time.Now}
	j.update(context.Background(), "test", func(as []uploadAttempt) []uploadAttempt { return append(as, a) })
}

// A certificate stored by an interrupted run of this working directory is
// adopted; the next refresh clears the journal.
func TestAccCertificate_journalAdoptsInterruptedUpload(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	dir := t.TempDir()
	pair := testcerts.NewLeaf(t)
	fp := fingerprintOf(t, pair)
	// The killed run: its attempt was recorded, then Cloudflare stored the
	// certificate, then the run died before saving state.
	writeAttempt(t, dir, uploadAttempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "killed-run", AttemptedAt: time.Now().UTC().Add(-time.Second)})
	stored, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	addr := hostnameCertKind.resourceType + ".test"
	cfg := certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: journalFactories(dir),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(stored.ID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
	if n := len(liveCertificates(env, cfapi.HostnameCertificate)); n != 0 {
		t.Fatalf("%d certificates left after destroy", n)
	}
	if got := readJournal(t, dir); len(got) != 0 {
		t.Fatalf("the journal still holds %+v after refresh and destroy", got)
	}
}

// Without an attempt of this working directory that explains it, an
// existing certificate stays an error even with the journal on.
func TestAccCertificate_journalDoesNotAdoptForeignCertificates(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	now := time.Now().UTC()
	cases := []struct {
		name    string
		attempt func(fp string) *uploadAttempt
	}{
		{"no attempt", func(string) *uploadAttempt { return nil }},
		{"attempt after the upload", func(fp string) *uploadAttempt {
			return &uploadAttempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "other", AttemptedAt: now.Add(10 * time.Minute)}
		}},
		{"attempt older than 24 hours", func(fp string) *uploadAttempt {
			return &uploadAttempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "other", AttemptedAt: now.Add(-25 * time.Hour)}
		}},
		{"attempt of the other kind", func(fp string) *uploadAttempt {
			return &uploadAttempt{ZoneID: env.zoneID, Kind: "zone", SHA256: fp, Run: "other", AttemptedAt: now.Add(-time.Minute)}
		}},
		{"attempt in this Terraform process", func(fp string) *uploadAttempt {
			return &uploadAttempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: fmt.Sprint(os.Getppid()), AttemptedAt: now.Add(-time.Minute)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pair := testcerts.NewLeaf(t)
			if a := tc.attempt(fingerprintOf(t, pair)); a != nil {
				writeAttempt(t, dir, *a)
			}
			existing, err := env.client.UploadCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, pair.CertPEM, pair.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: journalFactories(dir),
				Steps: []resource.TestStep{{
					Config:      certConfig(env, hostnameCertKind, pair.CertPEM, "private_key", pair.KeyPEM, ""),
					ExpectError: wrapped(fmt.Sprintf("import {\n to = <this resource's address>\n id = \"%s/%s\"\n }", env.zoneID, existing.ID)),
				}},
			})
			// The refused attempt was removed; only the planted one is left.
			for _, a := range readJournal(t, dir) {
				if a.Run == fmt.Sprint(os.Getppid()) && a.AttemptedAt.After(now) {
					t.Fatalf("the refused upload's attempt is still in the journal: %+v", a)
				}
			}
			if err := env.client.DeleteCertificate(testContext(t), cfapi.HostnameCertificate, env.zoneID, existing.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}
