package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// A refresh of many certificates costs one list request per zone and kind,
// not one request per certificate.
func TestAccCertificate_refreshCostsOneListPerZoneAndKind(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.needsEmulator(t)
	var cfg strings.Builder
	for i := range 6 {
		z, h := testcerts.NewLeaf(t), testcerts.NewLeaf(t)
		fmt.Fprintf(&cfg, `
resource "cfaop_zone_certificate" "z%[1]d" {
  zone_id     = %[2]q
  certificate = %[3]q
  private_key = %[4]q
}

resource "cfaop_hostname_certificate" "h%[1]d" {
  zone_id     = %[2]q
  certificate = %[5]q
  private_key = %[6]q
}
`, i, env.zoneID, z.CertPEM, z.KeyPEM, h.CertPEM, h.KeyPEM)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: env.config(cfg.String())},
			{
				PreConfig:    env.resetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					counts := env.countsSnapshot()
					want := map[string]int{
						"GET /zones/{zone_id}/origin_tls_client_auth":                                         1,
						"GET /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates":                  1,
						"GET /zones/{zone_id}/origin_tls_client_auth/{certificate_id}":                        0,
						"GET /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates/{certificate_id}": 0,
					}
					for k, n := range want {
						if counts[k] != n {
							return fmt.Errorf("refresh of 12 certificates: %d × %s, want %d (all counts: %v)", counts[k], k, n, counts)
						}
					}
					return nil
				},
			},
		},
	})
}
