package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// listDataSourceType is the list data source of a certificate kind.
func (k certKindUnderTest) listDataSourceType() string { return k.resourceType + "s" }

// uploadOutsideTerraform uploads a new certificate the way another tool
// would, and deletes it when the test ends.
func uploadOutsideTerraform(t *testing.T, env *testEnv, kind cfapi.CertificateKind, opts ...testcerts.Option) (cfapi.Certificate, testcerts.Pair) {
	t.Helper()
	pair := testcerts.NewLeaf(t, opts...)
	c, err := env.client.UploadCertificate(testContext(t), kind, env.zoneID, pair.CertPEM, pair.KeyPEM)
	if err != nil {
		t.Fatalf("upload outside Terraform: %v", err)
	}
	t.Cleanup(func() { _ = env.client.DeleteCertificate(testContext(t), kind, env.zoneID, c.ID) })
	return c, pair
}

// certificateItemChecks is what the data sources must report for a
// certificate uploaded outside Terraform.
func certificateItemChecks(t *testing.T, c cfapi.Certificate, p testcerts.Pair, status string, expiresInDays int64) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"id":                 knownvalue.StringExact(c.ID),
		"status":             knownvalue.StringExact(status),
		"issuer":             knownvalue.StringRegexp(regexp.MustCompile(`.`)),
		"serial_number":      knownvalue.StringExact(p.Cert.SerialNumber.String()),
		"signature":          knownvalue.StringRegexp(regexp.MustCompile(`.`)),
		"expires_on":         knownvalue.StringExact(p.Cert.NotAfter.UTC().Format(time.RFC3339)),
		"expires_in_days":    knownvalue.Int64Exact(expiresInDays),
		"uploaded_on":        knownvalue.StringExact(c.UploadedOn.UTC().Format(time.RFC3339)),
		"sha256_fingerprint": knownvalue.StringExact(fingerprintOf(t, p)),
		"certificate":        knownvalue.StringExact(c.Certificate),
	}
}

func TestAccCertificatesDataSource_listFiltersAndDeleted(t *testing.T) {
	t.Parallel()
	for _, k := range []certKindUnderTest{zoneCertKind, hostnameCertKind} {
		t.Run(k.listDataSourceType(), func(t *testing.T) { testAccCertificatesDataSourceList(t, k) })
	}
}

// Certificates uploaded outside Terraform and by a resource are listed in
// upload order with their expiry; the status filter and include_deleted
// select what is listed.
func testAccCertificatesDataSourceList(t *testing.T, k certKindUnderTest) {
	env := newTestEnv(t)
	env.needsEmulator(t) // the assertions need a zone holding only this test's certificates
	now := time.Now()
	expired, expiredPair := uploadOutsideTerraform(t, env, k.kind, testcerts.WithCN("expired.example.com"),
		testcerts.WithValidity(now.Add(-30*24*time.Hour), now.Add(-36*time.Hour)))
	soon, soonPair := uploadOutsideTerraform(t, env, k.kind, testcerts.WithCN("soon.example.com"),
		testcerts.WithValidity(now.Add(-time.Hour), now.Add(10*24*time.Hour+12*time.Hour)))
	env.emu.SetDelay(time.Hour) // stays pending_deployment throughout the test
	pending, pendingPair := uploadOutsideTerraform(t, env, k.kind, testcerts.WithCN("pending.example.com"))
	env.emu.SetDelay(0)
	managed := testcerts.NewLeaf(t, testcerts.WithCN("managed.example.com"))

	ds := "data." + k.listDataSourceType() + "."
	addr := k.resourceType + ".test"
	item := func(c cfapi.Certificate, p testcerts.Pair, status string, days int64) knownvalue.Check {
		return knownvalue.ObjectExact(certificateItemChecks(t, c, p, status, days))
	}
	managedItem := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"status":             knownvalue.StringExact(cfapi.StatusActive),
		"sha256_fingerprint": knownvalue.StringExact(fingerprintOf(t, managed)),
		"expires_in_days":    knownvalue.Int64Exact(364),
	})
	listed := func(name string, items ...knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds+name, tfjsonpath.New("certificates"), knownvalue.ListExact(items))
	}
	lists := func(extra string) string {
		return certConfig(env, k, managed.CertPEM, "private_key", managed.KeyPEM, "") + fmt.Sprintf(`
data %[1]q "all" {
  zone_id    = %[2]q
  depends_on = [%[3]s]
}

data %[1]q "active" {
  zone_id    = %[2]q
  status     = "active"
  depends_on = [%[3]s]
}
`, k.listDataSourceType(), env.zoneID, addr) + extra
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: lists(""),
				ConfigStateChecks: []statecheck.StateCheck{
					listed("all",
						item(expired, expiredPair, cfapi.StatusActive, -2),
						item(soon, soonPair, cfapi.StatusActive, 10),
						item(pending, pendingPair, cfapi.StatusPendingDeployment, 364),
						managedItem),
					listed("active",
						item(expired, expiredPair, cfapi.StatusActive, -2),
						item(soon, soonPair, cfapi.StatusActive, 10),
						managedItem),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"),
						ds+"all", tfjsonpath.New("certificates").AtSliceIndex(3).AtMapKey("id"), compare.ValuesSame()),
				},
			},
			{
				PreConfig: func() {
					env.emu.SetDelay(time.Hour) // stays pending_deletion throughout the step
					if err := env.client.DeleteCertificate(testContext(t), k.kind, env.zoneID, expired.ID); err != nil {
						t.Fatalf("delete outside Terraform: %v", err)
					}
					env.emu.SetDelay(0)
				},
				Config: lists(fmt.Sprintf(`
data %[1]q "with_deleted" {
  zone_id         = %[2]q
  include_deleted = true
}

data %[1]q "deleting" {
  zone_id = %[2]q
  status  = "pending_deletion"
}
`, k.listDataSourceType(), env.zoneID)),
				ConfigStateChecks: []statecheck.StateCheck{
					listed("all",
						item(soon, soonPair, cfapi.StatusActive, 10),
						item(pending, pendingPair, cfapi.StatusPendingDeployment, 364),
						managedItem),
					listed("active", item(soon, soonPair, cfapi.StatusActive, 10), managedItem),
					listed("with_deleted",
						item(expired, expiredPair, cfapi.StatusPendingDeletion, -2),
						item(soon, soonPair, cfapi.StatusActive, 10),
						item(pending, pendingPair, cfapi.StatusPendingDeployment, 364),
						managedItem),
					listed("deleting", item(expired, expiredPair, cfapi.StatusPendingDeletion, -2)),
				},
			},
		},
	})
}

func TestAccCertificatesDataSource_errors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	list := func(k certKindUnderTest, body string) string {
		return env.config(fmt.Sprintf("data %q \"test\" {\n%s\n}\n", k.listDataSourceType(), body))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      list(zoneCertKind, `zone_id = "example.com"`),
				ExpectError: wrapped("Invalid Zone ID"),
			},
			{
				Config:      list(hostnameCertKind, fmt.Sprintf(`zone_id = %q`, "not-hex-"+env.zoneID[8:])),
				ExpectError: wrapped("Invalid Zone ID"),
			},
			{
				Config:      list(zoneCertKind, fmt.Sprintf("zone_id = %q\nstatus = \"Active\"", env.zoneID)),
				ExpectError: wrapped("value must be one of"),
			},
			{
				Config:      list(hostnameCertKind, `zone_id = "0123456789abcdef0123456789abcdef"`),
				ExpectError: wrapped("Cannot List Certificates"),
			},
		},
	})
}

func TestCertificatesDataSource_daysUntil(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    int64
	}{
		{"ten and a half days left", now.Add(10*24*time.Hour + 12*time.Hour), 10},
		{"exactly one day left", now.Add(24 * time.Hour), 1},
		{"last day", now.Add(23 * time.Hour), 0},
		{"expiring now", now, 0},
		{"expired a second ago", now.Add(-time.Second), -1},
		{"expired a day and a half ago", now.Add(-36 * time.Hour), -2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := daysUntil(tc.expires, now); got != tc.want {
				t.Errorf("daysUntil = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCertificatesDataSource_sortCertificates(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	certs := []cfapi.Certificate{
		{ID: "c", UploadedOn: t0.Add(time.Second)},
		{ID: "b", UploadedOn: t0},
		{ID: "d", UploadedOn: t0.Add(time.Second).In(time.FixedZone("CEST", 2*3600))}, // same instant as c
		{ID: "a", UploadedOn: t0.Add(2 * time.Second)},
	}
	sortCertificates(certs)
	var got []string
	for _, c := range certs {
		got = append(got, c.ID)
	}
	if want := "[b c d a]"; fmt.Sprint(got) != want {
		t.Errorf("order = %v, want %s", got, want)
	}
}

// The mapper fills what the zone endpoints do not return from the
// certificate itself, and keeps what Cloudflare reports.
func TestCertificatesDataSource_newCertificateItem(t *testing.T) {
	t.Parallel()
	now := time.Now()
	pair := testcerts.NewLeaf(t, testcerts.WithValidity(now.Add(-time.Hour), now.Add(5*24*time.Hour+time.Hour)))
	uploaded := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                 string
		api                  cfapi.Certificate
		wantIssuer, wantSign string
	}{
		{
			name:       "zone certificate without serial and expiry",
			api:        cfapi.Certificate{ID: "z1", Certificate: pair.CertPEM, Status: cfapi.StatusActive, UploadedOn: uploaded},
			wantIssuer: pair.Cert.Issuer.String(), wantSign: pair.Cert.SignatureAlgorithm.String(),
		},
		{
			name: "hostname certificate with everything",
			api: cfapi.Certificate{ID: "h1", Certificate: pair.CertPEM, Status: cfapi.StatusActive, Issuer: "CN=Reported",
				SerialNumber: pair.Cert.SerialNumber.String(), Signature: "ECDSAWithSHA256", ExpiresOn: pair.Cert.NotAfter, UploadedOn: uploaded},
			wantIssuer: "CN=Reported", wantSign: "ECDSAWithSHA256",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := newCertificateItem(tc.api, now)
			if err != nil {
				t.Fatal(err)
			}
			want := certificateItemModel{
				ID:                types.StringValue(tc.api.ID),
				Status:            types.StringValue(cfapi.StatusActive),
				Issuer:            types.StringValue(tc.wantIssuer),
				SerialNumber:      types.StringValue(pair.Cert.SerialNumber.String()),
				Signature:         types.StringValue(tc.wantSign),
				ExpiresOn:         types.StringValue(pair.Cert.NotAfter.UTC().Format(time.RFC3339)),
				ExpiresInDays:     types.Int64Value(5),
				UploadedOn:        types.StringValue("2025-06-01T12:00:00Z"),
				SHA256Fingerprint: types.StringValue(fingerprintOf(t, pair)),
				Certificate:       types.StringValue(pair.CertPEM),
			}
			if got != want {
				t.Errorf("item =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
	if _, err := newCertificateItem(cfapi.Certificate{ID: "bad", Certificate: "not a certificate"}, now); err == nil {
		t.Error("an unparsable certificate must be an error")
	}
}
