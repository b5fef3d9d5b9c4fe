package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// An API that stops answering ends in a clear error within the resource's
// timeouts, never in a hang: every request matching the fault waits ten
// minutes, the timeouts block allows a few seconds.
func TestAccTimeouts_unansweredRequestsEndInAClearError(t *testing.T) {
	t.Parallel()
	const timeout = 3 * time.Second
	// Terraform's own start-up and the step's plan come on top of the timeout.
	const slack = 20 * time.Second
	pair := testcerts.NewLeaf(t)
	hang := func(method, path string) emulator.Fault {
		return emulator.Fault{Method: method, PathContains: path, Hang: 10 * time.Minute, Probability: 1}
	}
	// The configurations name the emulator's zone: each case has its own
	// emulator, so the cases run side by side.
	cert := func(timeouts string) func(*testEnv) string {
		return func(env *testEnv) string {
			return fmt.Sprintf(`
resource "cfaop_hostname_certificate" "test" {
  zone_id     = %q
  certificate = %q
  private_key = %q
  timeouts {
    %s
  }
}
`, env.zoneID, pair.CertPEM, pair.KeyPEM, timeouts)
		}
	}
	binding := func(env *testEnv) string {
		return fmt.Sprintf(`
resource "cfaop_hostname_binding" "test" {
  zone_id        = %q
  hostname       = "app.%s"
  certificate_id = cfaop_hostname_certificate.test.id
  timeouts {
    create = "3s"
  }
}
`, env.zoneID, env.zoneNameFromAPI())
	}
	zoneSetting := func(env *testEnv) string {
		return fmt.Sprintf(`
resource "cfaop_zone_setting" "test" {
  zone_id = %q
  enabled = true
  timeouts {
    create = "3s"
  }
}
`, env.zoneID)
	}
	noTimeouts := cert(`read = "5m"`)
	withBinding := func(env *testEnv) string { return noTimeouts(env) + binding(env) }
	nothing := func(*testEnv) string { return "" }
	const apiTimeoutHint = "The operation did not finish within its timeout; raise the resource's timeouts"

	cases := []struct {
		name   string
		setup  func(*testEnv) string // applied before the fault, without faults
		config func(*testEnv) string // applied under the fault
		fault  emulator.Fault
		want   []string // the diagnostic's summary and detail fragments
	}{
		{"switch update", nothing, zoneSetting, hang("PUT", "/settings"),
			[]string{"Cannot Change Zone-Level Authenticated Origin Pulls", apiTimeoutHint}},
		{"certificate upload", nothing, cert(`create = "3s"`), hang("POST", "/hostnames/certificates"),
			[]string{"Cannot Upload Certificate", apiTimeoutHint}},
		{"certificate activation", nothing, cert(`create = "3s"`), hang("GET", "/hostnames/certificates/"),
			[]string{"Certificate Did Not Become Active", "timed out waiting for hostname certificate", "raise timeouts.create"}},
		{"binding", noTimeouts, withBinding, hang("PUT", "/origin_tls_client_auth/hostnames"),
			[]string{"Cannot Bind Hostname", apiTimeoutHint}},
		{"certificate refresh", cert(`read = "3s"`), cert(`read = "3s"`), hang("GET", "/hostnames/certificates"),
			[]string{"Cannot Read Certificate", apiTimeoutHint}},
		{"certificate deletion", cert(`delete = "3s"`), nothing, hang("DELETE", "/hostnames/certificates/"),
			[]string{"Cannot Delete Certificate", apiTimeoutHint}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.needsEmulator(t)
			var start time.Time
			var elapsed time.Duration
			var steps []resource.TestStep
			if setup := tc.setup(env); setup != "" {
				steps = append(steps, resource.TestStep{Config: env.config(setup)})
			}
			final := tc.config(env)
			if final == "" {
				final = `# nothing`
			}
			steps = append(steps,
				resource.TestStep{
					PreConfig: func() {
						env.emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{tc.fault}})
						start = time.Now()
					},
					Config:      env.config(final),
					ExpectError: diagnosticPattern(tc.want),
				},
				// The API answers again: the same configuration converges.
				resource.TestStep{
					PreConfig: func() {
						elapsed = time.Since(start)
						env.emu.SetFaults(emulator.Faults{})
					},
					Config: env.config(final),
				},
			)
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
			t.Logf("%s: the error came %s after the step started (timeout %s)", tc.name, elapsed.Round(100*time.Millisecond), timeout)
			if elapsed > timeout+slack {
				t.Fatalf("the error came after %s; want it within the %s timeout (plus Terraform's start-up)", elapsed, timeout)
			}
		})
	}
}
