package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	"github.com/cfaop/terraform-provider-cfaop/internal/uploadjournal"
)

// The journal's own rules are tested in package uploadjournal; these tests
// check that certificate resources record, adopt and clear through it.

// journalFile is the layout of the journal's file, as these tests write and
// read it from outside the provider.
type journalFile struct {
	Version  int                     `json:"version"`
	Attempts []uploadjournal.Attempt `json:"attempts"`
}

func readJournal(t *testing.T, dir string) []uploadjournal.Attempt {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, uploadjournal.FileName))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var f journalFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("journal is not JSON: %v\n%s", err, raw)
	}
	return f.Attempts
}

// journalFactories serve a provider whose upload journal lives in dir.
func journalFactories(dir string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cfaop": providerserver.NewProtocol6WithError(&cfaopProvider{version: "test", journalDir: dir, poll: shortPolls, retryPause: shortRetryPause}),
	}
}

// writeAttempt puts an attempt of another Terraform process into the journal.
func writeAttempt(t *testing.T, dir string, a uploadjournal.Attempt) {
	t.Helper()
	writeJournal(t, dir, append(readJournal(t, dir), a))
}

// handOverJournal makes the journal's attempts those of an earlier Terraform
// process. The journal tells runs apart by the Terraform process that starts
// the provider, and the in-process provider of these tests serves every
// command of a test from one process, where each terraform command is a
// process of its own.
func handOverJournal(t *testing.T, dir string) {
	t.Helper()
	attempts := readJournal(t, dir)
	if len(attempts) == 0 {
		t.Fatal("the upload journal holds no attempt to hand over")
	}
	for i := range attempts {
		attempts[i].Run = "an earlier terraform process"
	}
	writeJournal(t, dir, attempts)
}

func writeJournal(t *testing.T, dir string, attempts []uploadjournal.Attempt) {
	t.Helper()
	raw, err := json.Marshal(journalFile{Version: 1, Attempts: attempts})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, uploadjournal.FileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
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
	writeAttempt(t, dir, uploadjournal.Attempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "killed-run", AttemptedAt: time.Now().UTC().Add(-time.Second)})
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
		attempt func(fp string) *uploadjournal.Attempt
	}{
		{"no attempt", func(string) *uploadjournal.Attempt { return nil }},
		{"attempt after the upload", func(fp string) *uploadjournal.Attempt {
			return &uploadjournal.Attempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "other", AttemptedAt: now.Add(10 * time.Minute)}
		}},
		{"attempt older than 24 hours", func(fp string) *uploadjournal.Attempt {
			return &uploadjournal.Attempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: "other", AttemptedAt: now.Add(-25 * time.Hour)}
		}},
		{"attempt of the other kind", func(fp string) *uploadjournal.Attempt {
			return &uploadjournal.Attempt{ZoneID: env.zoneID, Kind: "zone", SHA256: fp, Run: "other", AttemptedAt: now.Add(-time.Minute)}
		}},
		{"attempt in this Terraform process", func(fp string) *uploadjournal.Attempt {
			return &uploadjournal.Attempt{ZoneID: env.zoneID, Kind: "hostname", SHA256: fp, Run: fmt.Sprint(os.Getppid()), AttemptedAt: now.Add(-time.Minute)}
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
