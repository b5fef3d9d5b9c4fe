package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Moves from the official Cloudflare provider are tested at the protocol
// level: Terraform would need the cloudflare/cloudflare provider to create the
// source state, and it cannot be downloaded here. The requests are what
// Terraform sends for a `moved` block whose `from` is a cloudflare_* resource.

const (
	cloudflareAddress = "registry.terraform.io/cloudflare/cloudflare"
	moveTestZoneID    = "023e105f4ecef8ad9ca31a8372d0c353"
	moveTestCertID    = "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10"
)

type moveCase struct {
	sourceAddress string
	sourceType    string
	sourceVersion int64
	targetType    string
	source        map[string]any
}

// moveResult is the target state as Go values (strings, bools, nil), or the
// error diagnostics.
type moveResult struct {
	state  map[string]any
	errors []string
}

func unconfiguredServer(t *testing.T) tfprotov6.ProviderServer {
	t.Helper()
	s, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runMove(t *testing.T, server tfprotov6.ProviderServer, c moveCase) moveResult {
	t.Helper()
	ctx := context.Background()
	raw, err := json.Marshal(c.source)
	if err != nil {
		t.Fatal(err)
	}
	if c.sourceAddress == "" {
		c.sourceAddress = cloudflareAddress
	}
	resp, err := server.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: c.sourceAddress,
		SourceTypeName:        c.sourceType,
		SourceSchemaVersion:   c.sourceVersion,
		SourceState:           &tfprotov6.RawState{JSON: raw},
		TargetTypeName:        c.targetType,
	})
	if err != nil {
		t.Fatalf("MoveResourceState: %v", err)
	}
	var out moveResult
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out.errors = append(out.errors, d.Summary+": "+d.Detail)
		}
	}
	if len(out.errors) > 0 {
		return out
	}
	if resp.TargetState == nil {
		t.Fatal("no error and no target state")
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := resp.TargetState.Unmarshal(schemas.ResourceSchemas[c.targetType].ValueType())
	if err != nil {
		t.Fatalf("decode target state: %v", err)
	}
	out.state = goValues(t, v).(map[string]any)
	return out
}

// goValues turns a tftypes value into plain Go values; numbers become int64.
func goValues(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	var (
		out any
		err error
	)
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		err = v.As(&s)
		out = s
	case v.Type().Is(tftypes.Bool):
		var b bool
		err = v.As(&b)
		out = b
	case v.Type().Is(tftypes.Number):
		var f float64
		err = v.As(&f)
		out = int64(f)
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		err = v.As(&m)
		obj := map[string]any{}
		for k, e := range m {
			obj[k] = goValues(t, e)
		}
		out = obj
	default:
		t.Fatalf("unexpected type %s", v.Type())
	}
	if err != nil {
		t.Fatalf("decode %s: %v", v.Type(), err)
	}
	return out
}

func wantState(t *testing.T, got moveResult, want map[string]any) {
	t.Helper()
	if len(got.errors) > 0 {
		t.Fatalf("move failed: %s", strings.Join(got.errors, "\n"))
	}
	for k, w := range want {
		if g, ok := got.state[k]; !ok || g != w {
			t.Errorf("%s = %#v, want %#v", k, got.state[k], w)
		}
	}
	for k := range got.state {
		if _, ok := want[k]; !ok {
			t.Errorf("attribute %s not checked (value %#v): add it to the test", k, got.state[k])
		}
	}
}

func wantMoveError(t *testing.T, got moveResult, fragments ...string) {
	t.Helper()
	if len(got.errors) == 0 {
		t.Fatalf("move succeeded with %v, want an error", got.state)
	}
	all := strings.Join(got.errors, "\n")
	for _, f := range fragments {
		if !strings.Contains(all, f) {
			t.Errorf("error does not contain %q:\n%s", f, all)
		}
	}
}

// v5ZoneCertificateState is a cloudflare_authenticated_origin_pulls_certificate
// state as the official provider v5 stores it.
func v5ZoneCertificateState(p testcerts.Pair) map[string]any {
	return map[string]any{
		"id":             "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60",
		"zone_id":        moveTestZoneID,
		"certificate_id": nil,
		"certificate":    p.CertPEM,
		"private_key":    p.KeyPEM,
		"enabled":        true,
		"expires_on":     p.Cert.NotAfter.UTC().Format(time.RFC3339),
		"issuer":         "Example CA",
		"signature":      "SHA256WithRSA",
		"status":         "active",
		"uploaded_on":    "2025-03-01T10:20:30.123456Z",
	}
}

func TestMoveState_zoneCertificateFromCloudflare(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_zone_certificate",
		source:     v5ZoneCertificateState(p),
	})
	wantState(t, got, map[string]any{
		"id":                     "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60",
		"zone_id":                moveTestZoneID,
		"certificate":            p.CertPEM,
		"private_key":            p.KeyPEM,
		"private_key_wo":         nil,
		"private_key_wo_version": nil,
		"adopt_existing":         nil,
		"status":                 "active",
		"issuer":                 "Example CA",
		"signature":              "SHA256WithRSA",
		"serial_number":          p.Cert.SerialNumber.String(), // not in the source: from the certificate
		"expires_on":             p.Cert.NotAfter.UTC().Format(time.RFC3339),
		"uploaded_on":            "2025-03-01T10:20:30Z",
		"sha256_fingerprint":     fingerprintOf(t, p),
		"timeouts":               nil,
	})
}

func TestMoveState_hostnameCertificateFromCloudflare(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType:    "cloudflare_authenticated_origin_pulls_hostname_certificate",
		sourceVersion: 500,
		targetType:    "cfaop_hostname_certificate",
		source: map[string]any{
			"id":            "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10",
			"zone_id":       moveTestZoneID,
			"certificate":   p.CertPEM,
			"private_key":   p.KeyPEM,
			"expires_on":    "2030-01-02T03:04:05+02:00",
			"issuer":        "Example CA",
			"serial_number": "12345",
			"signature":     "ECDSAWithSHA256",
			"status":        "pending_deployment",
			"uploaded_on":   "2025-03-01T10:20:30Z",
		},
	})
	wantState(t, got, map[string]any{
		"id":                     "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10",
		"zone_id":                moveTestZoneID,
		"certificate":            p.CertPEM,
		"private_key":            p.KeyPEM,
		"private_key_wo":         nil,
		"private_key_wo_version": nil,
		"adopt_existing":         nil,
		"status":                 "pending_deployment",
		"issuer":                 "Example CA",
		"signature":              "ECDSAWithSHA256",
		"serial_number":          "12345",
		"expires_on":             "2030-01-02T01:04:05Z", // normalised to UTC
		"uploaded_on":            "2025-03-01T10:20:30Z",
		"sha256_fingerprint":     fingerprintOf(t, p),
		"timeouts":               nil,
	})
}

// The official provider v4 had one certificate resource for both kinds.
func TestMoveState_v4PerHostnameCertificate(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	src := v5ZoneCertificateState(p)
	src["type"] = "per-hostname"
	delete(src, "enabled")
	delete(src, "certificate_id")
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_hostname_certificate",
		source:     src,
	})
	if len(got.errors) > 0 || got.state["id"] != "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60" {
		t.Fatalf("got %v, errors %v", got.state, got.errors)
	}
	got = runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_zone_certificate",
		source:     src,
	})
	wantMoveError(t, got, "Certificate Moved To The Wrong Kind", "per-hostname", "cfaop_hostname_certificate")
}

func TestMoveState_certificateToTheWrongKind(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_hostname_certificate",
		source:     v5ZoneCertificateState(p),
	})
	wantMoveError(t, got, "Certificate Moved To The Wrong Kind", "zone-level", "cfaop_zone_certificate")
}

// A certificate whose key the official provider did not keep moves without one.
func TestMoveState_certificateWithoutKeyOrSerial(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	src := v5ZoneCertificateState(p)
	src["private_key"] = nil
	src["expires_on"] = nil
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_zone_certificate",
		source:     src,
	})
	if len(got.errors) > 0 {
		t.Fatal(got.errors)
	}
	if got.state["private_key"] != nil || got.state["expires_on"] != p.Cert.NotAfter.UTC().Format(time.RFC3339) {
		t.Errorf("private_key %v, expires_on %v", got.state["private_key"], got.state["expires_on"])
	}
}

func TestMoveState_certificateWithoutID(t *testing.T) {
	t.Parallel()
	src := v5ZoneCertificateState(testcerts.NewLeaf(t))
	src["id"] = nil
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_certificate",
		targetType: "cfaop_zone_certificate",
		source:     src,
	})
	wantMoveError(t, got, "Incomplete Source State", "has no id")
}

func TestMoveState_zoneSettingFromCloudflare(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType:    "cloudflare_authenticated_origin_pulls_settings",
		sourceVersion: 1,
		targetType:    "cfaop_zone_setting",
		source:        map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": true},
	})
	wantState(t, got, map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": true, "timeouts": nil})
}

// cfaop_global_setting has no counterpart in the official provider.
func TestMoveState_globalSettingAcceptsNoMove(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls_settings",
		targetType: "cfaop_global_setting",
		source:     map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": true},
	})
	wantMoveError(t, got, "Unable to Move Resource State")
}

func v5BindingState(config ...map[string]any) map[string]any {
	list := make([]any, len(config))
	for i, c := range config {
		list[i] = c
	}
	return map[string]any{
		"id":               "app.example.com",
		"zone_id":          moveTestZoneID,
		"hostname":         "app.example.com",
		"config":           list,
		"cert_id":          "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10",
		"cert_status":      "active",
		"cert_updated_at":  "2025-03-01T10:20:30Z",
		"cert_uploaded_on": "2025-03-01T10:20:30Z",
		"certificate":      "-----BEGIN CERTIFICATE-----\n...",
		"created_at":       "2025-03-01T10:21:00Z",
		"enabled":          true,
		"expires_on":       "2030-01-01T00:00:00Z",
		"issuer":           "Example CA",
		"private_key":      nil,
		"serial_number":    "12345",
		"signature":        "SHA256WithRSA",
		"status":           "active",
		"updated_at":       "2025-03-02T08:00:00.5Z",
	}
}

func TestMoveState_hostnameBindingFromCloudflare(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls",
		targetType: "cfaop_hostname_binding",
		source: v5BindingState(map[string]any{
			"hostname": "app.example.com", "cert_id": "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10", "enabled": false,
		}),
	})
	wantState(t, got, map[string]any{
		"id":                  moveTestZoneID + "/app.example.com",
		"zone_id":             moveTestZoneID,
		"hostname":            "app.example.com",
		"certificate_id":      "b0a4e5c3-56d1-4e42-9d55-9a8a3a6f7b10",
		"enabled":             false, // the association's own value wins
		"status":              "active",
		"certificate_status":  "active",
		"expires_on":          "2030-01-01T00:00:00Z",
		"created_at":          "2025-03-01T10:21:00Z",
		"updated_at":          "2025-03-02T08:00:00Z",
		"wait_for_deployment": true, // the default: moved bindings keep waiting
		"timeouts":            nil,
	})
}

func TestMoveState_hostnameBindingWithSeveralAssociations(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls",
		targetType: "cfaop_hostname_binding",
		source: v5BindingState(
			map[string]any{"hostname": "app.example.com", "cert_id": "c1", "enabled": true},
			map[string]any{"hostname": "api.example.com", "cert_id": "c1", "enabled": true},
		),
	})
	wantMoveError(t, got, "Several Hostname Associations In One Resource", "2 hostname associations (app.example.com, api.example.com)",
		"removed block", `id = "`+moveTestZoneID+`/api.example.com"`)
}

// The v4 resource was flat: hostname and authenticated_origin_pulls_certificate.
func TestMoveState_v4HostnameBinding(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls",
		targetType: "cfaop_hostname_binding",
		source: map[string]any{
			"id": "x", "zone_id": moveTestZoneID, "hostname": "app.example.com",
			"authenticated_origin_pulls_certificate": moveTestCertID, "enabled": true,
		},
	})
	if len(got.errors) > 0 {
		t.Fatal(got.errors)
	}
	if got.state["certificate_id"] != moveTestCertID || got.state["hostname"] != "app.example.com" || got.state["enabled"] != true {
		t.Errorf("got %v", got.state)
	}
}

func TestMoveState_hostnameBindingWithoutHostname(t *testing.T) {
	t.Parallel()
	got := runMove(t, unconfiguredServer(t), moveCase{
		sourceType: "cloudflare_authenticated_origin_pulls",
		targetType: "cfaop_hostname_binding",
		source:     map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": true},
	})
	wantMoveError(t, got, "No Hostname To Move", "cfaop_zone_setting")
}

// The registry host does not matter (OpenTofu's registry); the namespace does.
func TestMoveState_sourceProviderAddress(t *testing.T) {
	t.Parallel()
	c := moveCase{
		sourceAddress: "registry.opentofu.org/cloudflare/cloudflare",
		sourceType:    "cloudflare_authenticated_origin_pulls_settings",
		targetType:    "cfaop_zone_setting",
		source:        map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": false},
	}
	if got := runMove(t, unconfiguredServer(t), c); len(got.errors) > 0 || got.state["enabled"] != false {
		t.Fatalf("OpenTofu registry address: %v %v", got.state, got.errors)
	}
	c.sourceAddress = "registry.terraform.io/someone/cloudflare"
	wantMoveError(t, runMove(t, unconfiguredServer(t), c), "Unable to Move Resource State")
}

// A move is a state transformation only: even a configured provider sends
// no request to Cloudflare.
func TestMoveState_makesNoAPIRequest(t *testing.T) {
	t.Parallel()
	emu, err := emulator.New(emulator.Config{Token: testAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })

	ctx := context.Background()
	server := unconfiguredServer(t)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range providerType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["base_url"] = tftypes.NewValue(tftypes.String, base)
	attrs["api_token"] = tftypes.NewValue(tftypes.String, testAPIToken)
	cfg, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, attrs))
	if err != nil {
		t.Fatal(err)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &cfg})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, configured.Diagnostics)
	}
	emu.ResetCounts()

	p := testcerts.NewLeaf(t)
	for _, c := range []moveCase{
		{sourceType: "cloudflare_authenticated_origin_pulls_certificate", targetType: "cfaop_zone_certificate", source: v5ZoneCertificateState(p)},
		{sourceType: "cloudflare_authenticated_origin_pulls_hostname_certificate", targetType: "cfaop_hostname_certificate", source: v5ZoneCertificateState(p)},
		{sourceType: "cloudflare_authenticated_origin_pulls_settings", targetType: "cfaop_zone_setting", source: map[string]any{"zone_id": moveTestZoneID, "enabled": true}},
		{sourceType: "cloudflare_authenticated_origin_pulls", targetType: "cfaop_hostname_binding", source: v5BindingState(map[string]any{"hostname": "app.example.com", "cert_id": moveTestCertID})},
	} {
		if got := runMove(t, server, c); len(got.errors) > 0 {
			t.Errorf("%s -> %s: %v", c.sourceType, c.targetType, got.errors)
		}
	}
	if counts := emu.Counts(); len(counts) > 0 {
		t.Errorf("moves made API requests: %v", counts)
	}
}

// A crafted source state cannot put a value into an API request path: a
// zone ID, certificate ID or hostname not of its form is refused by every
// mover with a diagnostic naming the attribute.
func TestMoveState_craftedPathValuesAreRefused(t *testing.T) {
	t.Parallel()
	p := testcerts.NewLeaf(t)
	server := unconfiguredServer(t)
	withValue := func(src map[string]any, key string, v any) map[string]any {
		out := map[string]any{}
		for k, val := range src {
			out[k] = val
		}
		out[key] = v
		return out
	}
	hostile := []string{"../../settings", moveTestZoneID + "/..", "023E105F4ECEF8AD9CA31A8372D0C353", "a?b=c", "%2e%2e", "example.com"}
	for _, h := range hostile {
		cases := map[string]moveCase{
			"zone certificate zone_id": {sourceType: "cloudflare_authenticated_origin_pulls_certificate", targetType: "cfaop_zone_certificate",
				source: withValue(v5ZoneCertificateState(p), "zone_id", h)},
			"zone certificate id": {sourceType: "cloudflare_authenticated_origin_pulls_certificate", targetType: "cfaop_zone_certificate",
				source: withValue(v5ZoneCertificateState(p), "id", h)},
			"hostname certificate zone_id": {sourceType: "cloudflare_authenticated_origin_pulls_hostname_certificate", targetType: "cfaop_hostname_certificate",
				source: withValue(v5ZoneCertificateState(p), "zone_id", h)},
			"zone setting zone_id": {sourceType: "cloudflare_authenticated_origin_pulls_settings", targetType: "cfaop_zone_setting",
				source: map[string]any{"zone_id": h, "enabled": true}},
			"binding zone_id": {sourceType: "cloudflare_authenticated_origin_pulls", targetType: "cfaop_hostname_binding",
				source: withValue(v5BindingState(map[string]any{"hostname": "app.example.com", "cert_id": moveTestCertID}), "zone_id", h)},
			"binding cert_id": {sourceType: "cloudflare_authenticated_origin_pulls", targetType: "cfaop_hostname_binding",
				source: v5BindingState(map[string]any{"hostname": "app.example.com", "cert_id": h})},
		}
		if h != "example.com" { // a valid hostname
			cases["binding hostname"] = moveCase{sourceType: "cloudflare_authenticated_origin_pulls", targetType: "cfaop_hostname_binding",
				source: v5BindingState(map[string]any{"hostname": h, "cert_id": moveTestCertID})}
		}
		for name, c := range cases {
			got := runMove(t, server, c)
			if len(got.errors) == 0 {
				t.Errorf("%s = %q: moved to %v, want an error", name, h, got.state)
				continue
			}
			attr := name[strings.LastIndex(name, " ")+1:]
			wantMoveError(t, got, "Invalid Source State", "has "+attr+" ", "which is not", "import the object instead")
		}
	}
}
