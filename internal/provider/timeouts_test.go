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
	env := newTestEnv(t)
	env.needsEmulator(t)
	pair := testcerts.NewLeaf(t)
	hang := func(method, path string) emulator.Fault {
		return emulator.Fault{Method: method, PathContains: path, Hang: 10 * time.Minute, Probability: 1}
	}
	cert := func(timeouts string) string {
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
	binding := fmt.Sprintf(`
resource "cfaop_hostname_binding" "test" {
  zone_id        = %q
  hostname       = "app.%s"
  certificate_id = cfaop_hostname_certificate.test.id
  timeouts {
    create = "3s"
  }
}
`, env.zoneID, env.zoneNameFromAPI())
	zoneSetting := fmt.Sprintf(`
resource "cfaop_zone_setting" "test" {
  zone_id = %q
  enabled = true
  timeouts {
    create = "3s"
  }
}
`, env.zoneID)
	noTimeouts := cert(`read = "5m"`)
	const apiTimeoutHint = "The operation did not finish within its timeout; raise the resource's timeouts"

	cases := []struct {
		name   string
		setup  string // applied before the fault, without faults
		config string // applied under the fault
		fault  emulator.Fault
		want   []string // the diagnostic's summary and detail fragments
	}{
		{"switch update", "", zoneSetting, hang("PUT", "/settings"),
			[]string{"Cannot Change Zone-Level Authenticated Origin Pulls", apiTimeoutHint}},
		{"certificate upload", "", cert(`create = "3s"`), hang("POST", "/hostnames/certificates"),
			[]string{"Cannot Upload Certificate", apiTimeoutHint}},
		{"certificate activation", "", cert(`create = "3s"`), hang("GET", "/hostnames/certificates/"),
			[]string{"Certificate Did Not Become Active", "timed out waiting for hostname certificate", "raise timeouts.create"}},
		{"binding", noTimeouts, noTimeouts + binding, hang("PUT", "/origin_tls_client_auth/hostnames"),
			[]string{"Cannot Bind Hostname", apiTimeoutHint}},
		{"certificate refresh", cert(`read = "3s"`), cert(`read = "3s"`), hang("GET", "/hostnames/certificates"),
			[]string{"Cannot Read Certificate", apiTimeoutHint}},
		{"certificate deletion", cert(`delete = "3s"`), "", hang("DELETE", "/hostnames/certificates/"),
			[]string{"Cannot Delete Certificate", apiTimeoutHint}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.emu.SetFaults(emulator.Faults{})
			env.emu.Reset()
			var start time.Time
			var elapsed time.Duration
			var steps []resource.TestStep
			if tc.setup != "" {
				steps = append(steps, resource.TestStep{Config: env.config(tc.setup)})
			}
			final := tc.config
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
