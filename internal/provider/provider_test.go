package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// Acceptance tests run against an in-process emulator unless
// CLOUDFLARE_API_TOKEN and CFAOP_TEST_ZONE_ID name a real test zone.
const envTestZoneID = "CFAOP_TEST_ZONE_ID"

// testEnv is where one acceptance test runs: the emulator or a real zone.
type testEnv struct {
	emu      *emulator.Server // nil against the real API
	zoneID   string
	zoneName string
	baseURL  string
	token    string
	caURL    string
	client   *cfapi.Client // for checks made outside Terraform
}

func realAPI() bool {
	return os.Getenv(cfapi.EnvAPIToken) != "" && os.Getenv(envTestZoneID) != ""
}

// newTestEnv starts a fresh emulator for the test (so tests may run in
// parallel) or returns the real zone.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	env := &testEnv{}
	if realAPI() {
		env.zoneID = os.Getenv(envTestZoneID)
		env.token = os.Getenv(cfapi.EnvAPIToken)
		env.baseURL = os.Getenv(cfapi.EnvBaseURL)
	} else {
		env.zoneName = "example.com"
		env.token = testAPIToken
		srv, err := emulator.New(emulator.Config{Zones: []string{env.zoneName, "other.example.net"}, Token: env.token})
		if err != nil {
			t.Fatalf("start emulator: %v", err)
		}
		base, err := srv.Start("127.0.0.1:0")
		if err != nil {
			t.Fatalf("start emulator: %v", err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		env.emu = srv
		env.baseURL = base
		env.zoneID = srv.ZoneID(env.zoneName)
		env.caURL = strings.TrimSuffix(strings.TrimRight(base, "/"), "/client/v4") + "/ssl/static/authenticated_origin_pull_ca.pem"
	}
	client, err := cfapi.New(cfapi.Config{APIToken: env.token, BaseURL: env.baseURL, MaxRetries: 2, MinBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("test client: %v", err)
	}
	env.client = client
	return env
}

// needsEmulator skips a test that inspects or steers the emulator when it
// runs against the real API.
func (e *testEnv) needsEmulator(t *testing.T) {
	t.Helper()
	if e.emu == nil {
		t.Skip("this test inspects the emulator's state and cannot run against the real API")
	}
}

// config prefixes a configuration with the provider block for this environment.
func (e *testEnv) config(body string) string {
	if e.emu == nil {
		return body
	}
	return fmt.Sprintf(`
provider "cfaop" {
  base_url      = %q
  api_token     = %q
  global_ca_url = %q
  max_backoff   = "1s"
}
`, e.baseURL, e.token, e.caURL) + body
}

// shortPolls is how the provider polls in tests against the emulator, which
// deploys at once or after the short delay a test sets: waiting for it as
// long as for Cloudflare would only make the suite sleep. Tests that check
// the waiting set an emulator delay longer than the first poll.
var shortPolls = pollSchedule{first: 50 * time.Millisecond, max: 200 * time.Millisecond}

// shortRetryPause is the first wait after a failed request in tests against
// the emulator, whose faults a test arms by count, not by time: a second's
// pause before each retry would only make the suite sleep.
const shortRetryPause = 50 * time.Millisecond

// retryPause is the first retry wait for this environment: the users'
// against the real API.
func (e *testEnv) retryPause() time.Duration {
	if e.emu == nil {
		return defaultRetryPause
	}
	return shortRetryPause
}

// testStatusDelay is how long the emulator keeps objects pending in tests
// that check the provider waits for them: several short polls long.
const testStatusDelay = 300 * time.Millisecond

// testAPIToken has the format of a real API token (the provider refuses
// other formats before any request); the test emulators accept it.
const testAPIToken = "cfaop-test-token-00000000000000000000000"

// testAPIKey has the format of a global API key: 37 hex digits.
const testAPIKey = "0123456789abcdef0123456789abcdef01234"

// linkShortPolls is shortPolls as the -ldflags value for a provider binary
// built for the tests that run it through the Terraform CLI (see
// testPollSchedule).
var linkShortPolls = "-X github.com/cfaop/terraform-provider-cfaop/internal/provider.testPollSchedule=" +
	shortPolls.first.String() + "," + shortPolls.max.String()

// polls is the schedule for this environment: Cloudflare's own against the
// real API.
func (e *testEnv) polls() pollSchedule {
	if e.emu == nil {
		return defaultPollSchedule
	}
	return shortPolls
}

func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cfaop": providerserver.NewProtocol6WithError(&cfaopProvider{version: "test", poll: e.polls(), retryPause: e.retryPause()}),
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// wrapped matches text the way Terraform prints it in diagnostics, where
// any space may have become a line break.
func wrapped(text string) *regexp.Regexp {
	parts := strings.Fields(text)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// zoneNameOr is the emulator's zone name, or fallback against the real API
// (where CFAOP_TEST_ZONE_NAME names the zone).
func (e *testEnv) zoneNameOr(fallback string) string {
	if e.zoneName != "" {
		return e.zoneName
	}
	if n := os.Getenv("CFAOP_TEST_ZONE_NAME"); n != "" {
		return n
	}
	return fallback
}

func (e *testEnv) zoneNameFromAPI() string { return e.zoneNameOr("example.com") }

// resetCounts clears the emulator's request counters.
func (e *testEnv) resetCounts() {
	if e.emu != nil {
		e.emu.ResetCounts()
	}
}

// count returns the emulator's count for a request shape, 0 against the real API.
func (e *testEnv) count(key string) int {
	if e.emu == nil {
		return 0
	}
	return e.emu.Counts()[key]
}

// countsSnapshot returns the emulator's request counters (nil against the real API).
func (e *testEnv) countsSnapshot() map[string]int {
	if e.emu == nil {
		return nil
	}
	return e.emu.Counts()
}
