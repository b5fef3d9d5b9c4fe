package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Fuzz targets for every validator and parser of user input in this
// package. Each checks its input against an independent statement of the
// rule, so a validator that accepts too much or too little fails, not only
// one that panics. The committed seed corpus is under testdata/fuzz; `make
// fuzz` runs each target for FUZZTIME.

func isLowerHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// validate runs a string validator and returns its diagnostics.
func validate(v validator.String, value string) diag.Diagnostics {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, resp)
	return resp.Diagnostics
}

func FuzzZoneIDValidator(f *testing.F) {
	for _, s := range []string{"023e105f4ecef8ad9ca31a8372d0c353", "023E105F4ECEF8AD9CA31A8372D0C353", "example.com", "", "023e105f4ecef8ad9ca31a8372d0c353\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := len(s) == 32 && isLowerHex(s)
		diags := validate(zoneIDValidator, s)
		if got := !diags.HasError(); got != want {
			t.Fatalf("zone ID %q: accepted=%t, want %t", s, got, want)
		}
		summary := "Invalid Zone ID"
		if lower := strings.ToLower(s); len(lower) == 32 && isLowerHex(lower) {
			summary = "Zone ID Must Be Lower Case"
		}
		if diags.HasError() && diags[0].Summary() != summary {
			t.Fatalf("summary %q", diags[0].Summary())
		}
	})
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if len(part) != []int{8, 4, 4, 4, 12}[min(i, 4)] || !isLowerHex(part) || i > 4 {
			return false
		}
	}
	return strings.Count(s, "-") == 4
}

func FuzzCertificateIDValidator(f *testing.F) {
	for _, s := range []string{"2458ce5a-0c35-4c7f-82c7-8e9487d3ff60", "2458ce5a0c354c7f82c78e9487d3ff60", "../../settings", "2458CE5A-0C35-4C7F-82C7-8E9487D3FF60", "cert-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := isUUID(s) || len(s) == 32 && isLowerHex(s)
		diags := validate(certificateIDValidator, s)
		if got := !diags.HasError(); got != want {
			t.Fatalf("certificate ID %q: accepted=%t, want %t", s, got, want)
		}
		summary := "Invalid Certificate ID"
		if lower := strings.ToLower(s); lower != s && (isUUID(lower) || len(lower) == 32 && isLowerHex(lower)) {
			summary = "Certificate ID Must Be Lower Case"
		}
		if diags.HasError() && diags[0].Summary() != summary {
			t.Fatalf("certificate ID %q: summary %q, want %q", s, diags[0].Summary(), summary)
		}
	})
}

// hostnameRegexp is the hostname rule as the regular expression the
// validator used before it checked labels by hand (cfapi.IsHostname), so the
// fuzz targets compare the code with a statement of the rule it does not share.
var hostnameRegexp = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// hostnameRule is the rule hostnameProblem enforces.
func hostnameRule(h string) bool {
	return len(h) <= 253 && hostnameRegexp.MatchString(h)
}

func FuzzHostnameProblem(f *testing.F) {
	for _, s := range []string{"app.example.com", "App.Example.com", "https://app.example.com", "app.example.com:443", "*.example.com",
		"app.example.com.", "", "a..b", "-a.example.com", "xn--bcher-kva.example", "app.example.com/x", strings.Repeat("a.", 130) + "com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		problem := hostnameProblem(h)
		if want := hostnameRule(h); (problem == "") != want {
			t.Fatalf("hostname %q: problem %q, want accepted=%t", h, problem, want)
		}
		diags := validate(hostnameValidator{}, h)
		if diags.HasError() != (problem != "") {
			t.Fatalf("hostname %q: the validator and hostnameProblem disagree", h)
		}
		if problem != "" && !strings.HasPrefix(problem, "must") {
			t.Fatalf("hostname %q: problem %q does not read as a sentence after the attribute name", h, problem)
		}
	})
}

func FuzzDurationValidator(f *testing.F) {
	for _, s := range []string{"30s", "2m", "0s", "-1s", "soon", "1h1m1.5s", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := time.ParseDuration(s)
		want := err == nil && d > 0
		if got := !validate(durationValidator{}, s).HasError(); got != want {
			t.Fatalf("duration %q: accepted=%t, want %t", s, got, want)
		}
	})
}

// importState runs r's ImportState with id as Terraform does, on an empty state.
func importState(t *testing.T, r resource.Resource, id string) (diag.Diagnostics, map[string]tftypes.Value) {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	resp := &resource.ImportStateResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
	r.(resource.ResourceWithImportState).ImportState(ctx, resource.ImportStateRequest{ID: id}, resp)
	vals := map[string]tftypes.Value{}
	if !resp.Diagnostics.HasError() {
		if err := resp.State.Raw.As(&vals); err != nil {
			t.Fatalf("state after import: %v", err)
		}
	}
	return resp.Diagnostics, vals
}

func stringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Import IDs: <zone_id>/<certificate_id>, <zone_id>/<hostname>, <zone_id>.
// An accepted ID sets exactly its parts; a refused one says how to write it.
func FuzzImportID(f *testing.F) {
	const zone = "023e105f4ecef8ad9ca31a8372d0c353"
	for _, s := range []string{zone, zone + "/2458ce5a-0c35-4c7f-82c7-8e9487d3ff60", zone + "/app.example.com", zone + "/..", "/", "",
		zone + "/https://app.example.com", "example.com/app.example.com", zone + "/a/b", zone + "//"} {
		f.Add(s)
	}
	resources := map[string]resource.Resource{
		"zone certificate": NewZoneCertificateResource(), "hostname certificate": NewHostnameCertificateResource(),
		"binding": NewHostnameBindingResource(), "global setting": NewGlobalSettingResource(), "zone setting": NewZoneSettingResource(),
	}
	f.Fuzz(func(t *testing.T, id string) {
		zonePart, rest, hasRest := strings.Cut(id, "/")
		for name, r := range resources {
			diags, vals := importState(t, r, id)
			var want bool
			switch name {
			case "zone certificate", "hostname certificate":
				want = hasRest && len(zonePart) == 32 && isLowerHex(zonePart) && (isUUID(rest) || len(rest) == 32 && isLowerHex(rest))
			case "binding":
				want = hasRest && len(zonePart) == 32 && isLowerHex(zonePart) && hostnameRule(rest)
			default:
				want = len(id) == 32 && isLowerHex(id)
			}
			if got := !diags.HasError(); got != want {
				t.Fatalf("%s import of %q: accepted=%t, want %t (%v)", name, id, got, want, diags)
			}
			if !want {
				if diags[0].Summary() != "Invalid Import ID" || !strings.Contains(diags[0].Detail(), "terraform import") {
					t.Fatalf("%s import of %q: diagnostic %q / %q", name, id, diags[0].Summary(), diags[0].Detail())
				}
				continue
			}
			if got := stringOf(t, vals["zone_id"]); got != zonePart {
				t.Fatalf("%s import of %q set zone_id %q", name, id, got)
			}
			switch name {
			case "zone certificate", "hostname certificate":
				if got := stringOf(t, vals["id"]); got != rest {
					t.Fatalf("%s import of %q set id %q", name, id, got)
				}
			case "binding":
				if got := stringOf(t, vals["hostname"]); got != rest {
					t.Fatalf("import of %q set hostname %q", id, got)
				}
			}
		}
	})
}
