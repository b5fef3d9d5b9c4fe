package provider

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// Resources that may lack an identity, with the reason. A new resource gets
// one, or an entry here saying why it cannot.
var withoutIdentity = map[string]string{}

func TestResourceIdentity_everyResourceHasOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "cfaop"}, &meta)
		name := meta.TypeName
		withIdentity, ok := r.(resource.ResourceWithIdentity)
		if !ok {
			if _, listed := withoutIdentity[name]; !listed {
				t.Errorf("%s has no resource identity: implement IdentitySchema (see identity.go) or list it in withoutIdentity with the reason", name)
			}
			continue
		}
		var ids resource.IdentitySchemaResponse
		withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ids)
		var rs resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &rs)
		if len(ids.IdentitySchema.Attributes) == 0 {
			t.Errorf("%s: empty identity schema", name)
		}
		// setIdentity reads each identity attribute off the state by name.
		for attr, a := range ids.IdentitySchema.Attributes {
			s, ok := a.(identityschema.StringAttribute)
			if !ok || !s.RequiredForImport || s.Description == "" {
				t.Errorf("%s: identity attribute %s must be a described string required for import", name, attr)
			}
			if _, ok := rs.Schema.Attributes[attr].(schema.StringAttribute); !ok {
				t.Errorf("%s: identity attribute %s has no string attribute of the same name in the resource schema", name, attr)
			}
		}
	}
}

// identityCase is one resource with a valid import ID and the identity that
// names the same object.
type identityCase struct {
	typ      string
	id       string
	identity map[string]string
	state    map[string]string // resource attributes the import sets
}

var identityCases = []identityCase{
	{
		typ: "cfaop_global_setting", id: moveTestZoneID,
		identity: map[string]string{"zone_id": moveTestZoneID},
		state:    map[string]string{"zone_id": moveTestZoneID, "id": moveTestZoneID},
	},
	{
		typ: "cfaop_zone_setting", id: moveTestZoneID,
		identity: map[string]string{"zone_id": moveTestZoneID},
		state:    map[string]string{"zone_id": moveTestZoneID, "id": moveTestZoneID},
	},
	{
		typ: "cfaop_zone_certificate", id: moveTestZoneID + "/" + moveTestCertID,
		identity: map[string]string{"zone_id": moveTestZoneID, "id": moveTestCertID},
		state:    map[string]string{"zone_id": moveTestZoneID, "id": moveTestCertID},
	},
	{
		typ: "cfaop_hostname_certificate", id: moveTestZoneID + "/" + moveTestCertID,
		identity: map[string]string{"zone_id": moveTestZoneID, "id": moveTestCertID},
		state:    map[string]string{"zone_id": moveTestZoneID, "id": moveTestCertID},
	},
	{
		typ: "cfaop_hostname_binding", id: moveTestZoneID + "/app.example.com",
		identity: map[string]string{"zone_id": moveTestZoneID, "hostname": "app.example.com"},
		state:    map[string]string{"zone_id": moveTestZoneID, "hostname": "app.example.com", "id": moveTestZoneID + "/app.example.com"},
	},
	{
		typ: "cfaop_hostname_deployment", id: moveTestZoneID + "/app.example.com,api.example.com",
		identity: map[string]string{"zone_id": moveTestZoneID},
		state:    map[string]string{"zone_id": moveTestZoneID, "id": moveTestZoneID},
	},
}

type importResult struct {
	state    map[string]any
	identity map[string]any
	errors   []string
}

// runImport sends ImportResourceState with either an ID or an identity
// (attributes left out are null).
func runImport(t *testing.T, server tfprotov6.ProviderServer, typ, id string, identity map[string]any) importResult {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	idSchemas, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	idSchema, ok := idSchemas.IdentitySchemas[typ]
	if !ok {
		t.Fatalf("%s has no identity schema", typ)
	}
	req := &tfprotov6.ImportResourceStateRequest{TypeName: typ, ID: id}
	if identity != nil {
		raw, err := json.Marshal(identity)
		if err != nil {
			t.Fatal(err)
		}
		v, err := (&tfprotov6.RawState{JSON: raw}).UnmarshalWithOpts(idSchema.ValueType(), tfprotov6.UnmarshalOpts{})
		if err != nil {
			t.Fatalf("identity %s: %v", raw, err)
		}
		dv, err := tfprotov6.NewDynamicValue(idSchema.ValueType(), v)
		if err != nil {
			t.Fatal(err)
		}
		req.Identity = &tfprotov6.ResourceIdentityData{IdentityData: &dv}
	}
	resp, err := server.ImportResourceState(ctx, req)
	if err != nil {
		t.Fatalf("ImportResourceState: %v", err)
	}
	var out importResult
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out.errors = append(out.errors, d.Summary+": "+d.Detail)
		}
	}
	if len(out.errors) > 0 {
		return out
	}
	if len(resp.ImportedResources) != 1 {
		t.Fatalf("want one imported resource, got %d", len(resp.ImportedResources))
	}
	got := resp.ImportedResources[0]
	state, err := got.State.Unmarshal(schemas.ResourceSchemas[typ].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	out.state = goValues(t, state).(map[string]any)
	if got.Identity == nil || got.Identity.IdentityData == nil {
		t.Fatalf("%s: import returned no identity", typ)
	}
	ident, err := got.Identity.IdentityData.Unmarshal(idSchema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	out.identity, _ = goValues(t, ident).(map[string]any)
	return out
}

func asAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestImportState_byIDAndByIdentity(t *testing.T) {
	t.Parallel()
	server := unconfiguredServer(t)
	for _, c := range identityCases {
		for how, got := range map[string]importResult{
			"by ID":       runImport(t, server, c.typ, c.id, nil),
			"by identity": runImport(t, server, c.typ, "", asAny(c.identity)),
		} {
			if len(got.errors) > 0 {
				t.Errorf("%s %s: %s", c.typ, how, strings.Join(got.errors, "\n"))
				continue
			}
			if !maps.Equal(got.identity, asAny(c.identity)) {
				t.Errorf("%s %s: identity %v, want %v", c.typ, how, got.identity, c.identity)
			}
			for k, want := range c.state {
				if got.state[k] != want {
					t.Errorf("%s %s: state %s = %#v, want %q", c.typ, how, k, got.state[k], want)
				}
			}
		}
	}
}

// An identity comes from configuration and ends up in API paths: values that
// would address another object, or none, are refused before any request,
// with a diagnostic that names the attribute, the cause and the fix.
func TestImportState_craftedIdentityIsRefused(t *testing.T) {
	t.Parallel()
	server := unconfiguredServer(t)
	hostile := map[string][]string{
		"zone_id":  {"", "../../accounts/x", moveTestZoneID + "/dns_records", strings.ToUpper(moveTestZoneID), "023e105f4ecef8ad9ca31a8372d0c35?"},
		"id":       {"", "../" + moveTestCertID, moveTestCertID + "?per_page=1", "not-a-uuid"},
		"hostname": {"", "app.example.com/../x", "APP.example.com", "app.example.com?x=1", "*"},
	}
	for _, c := range identityCases {
		for attr := range c.identity {
			for _, bad := range append(hostile[attr], "<null>") {
				identity := asAny(c.identity)
				identity[attr] = bad
				if bad == "<null>" {
					identity[attr] = nil
				}
				got := runImport(t, server, c.typ, "", identity)
				if len(got.errors) == 0 {
					t.Errorf("%s: identity %s = %q was accepted: state %v", c.typ, attr, bad, got.state)
					continue
				}
				all := strings.Join(got.errors, "\n")
				for _, want := range []string{"Invalid Import Identity", "attribute " + attr + " ", "Set it to", "identity = {"} {
					if !strings.Contains(all, want) {
						t.Errorf("%s: identity %s = %q: diagnostic lacks %q:\n%s", c.typ, attr, bad, want, all)
					}
				}
			}
		}
	}
}

// A move from the official provider gives the target its identity, so the
// next plan does not have to fill it in.
func TestMoveState_setsIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := unconfiguredServer(t)
	idSchemas, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		moveCase
		want map[string]any
	}{
		{
			moveCase{sourceType: "cloudflare_authenticated_origin_pulls_settings", sourceVersion: 1, targetType: "cfaop_zone_setting",
				source: map[string]any{"id": moveTestZoneID, "zone_id": moveTestZoneID, "enabled": true}},
			map[string]any{"zone_id": moveTestZoneID},
		},
		{
			moveCase{sourceType: "cloudflare_authenticated_origin_pulls_certificate", targetType: "cfaop_zone_certificate",
				source: v5ZoneCertificateState(testcerts.NewLeaf(t))},
			map[string]any{"zone_id": moveTestZoneID, "id": "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"},
		},
		{
			moveCase{sourceType: "cloudflare_authenticated_origin_pulls", targetType: "cfaop_hostname_binding", source: v5BindingState()},
			map[string]any{"zone_id": moveTestZoneID, "hostname": "app.example.com"},
		},
	} {
		raw, err := json.Marshal(c.source)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := server.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{
			SourceProviderAddress: cloudflareAddress, SourceTypeName: c.sourceType, SourceSchemaVersion: c.sourceVersion,
			SourceState: &tfprotov6.RawState{JSON: raw}, TargetTypeName: c.targetType,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s: %s", c.targetType, d.Summary, d.Detail)
			}
		}
		if resp.TargetIdentity == nil || resp.TargetIdentity.IdentityData == nil {
			t.Errorf("%s: the move returned no identity", c.targetType)
			continue
		}
		v, err := resp.TargetIdentity.IdentityData.Unmarshal(idSchemas.IdentitySchemas[c.targetType].ValueType())
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := goValues(t, v).(map[string]any); !maps.Equal(got, c.want) {
			t.Errorf("%s: identity %v, want %v", c.targetType, got, c.want)
		}
	}
}
