package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// Resource identity (Terraform 1.12+): every resource names the attributes
// that find its remote object, so `import` blocks can use
// `identity = { ... }` and tools can match resources across states. Each
// identity attribute has a resource attribute of the same name, so the
// identity is always read off the state the resource saves.

var (
	_ resource.ResourceWithIdentity = &zoneSwitchResource{}
	_ resource.ResourceWithIdentity = &certificateResource{}
	_ resource.ResourceWithIdentity = &hostnameBindingResource{}
)

// identityField is one attribute of a resource identity and the check its
// value must pass before the provider uses it in an API path.
type identityField struct {
	name        string
	description string
	form        string              // what a valid value looks like, for diagnostics
	example     string              // a valid value, for diagnostics
	problem     func(string) string // why the value is unusable; "" when valid
}

var (
	zoneIDField = identityField{
		name: "zone_id", description: "ID of the zone (32 lower-case hexadecimal characters).",
		form: zoneIDForm, example: "023e105f4ecef8ad9ca31a8372d0c353",
		problem: func(v string) string { return unlessMatches(cfapi.IsZoneID(v), zoneIDForm) },
	}
	certificateIDField = identityField{
		name: "id", description: "ID of the certificate at Cloudflare (a UUID).",
		form: certificateIDText, example: "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60",
		problem: func(v string) string { return unlessMatches(cfapi.IsCertificateID(v), certificateIDText) },
	}
	hostnameField = identityField{
		name: "hostname", description: "The hostname whose association this is, lower case and fully qualified.",
		form: hostnameForm, example: "app.example.com",
		problem: hostnameProblem,
	}
)

func unlessMatches(ok bool, form string) string {
	if ok {
		return ""
	}
	return "it is not " + form
}

func (r *zoneSwitchResource) identityFields() []identityField { return []identityField{zoneIDField} }

func (r *certificateResource) identityFields() []identityField {
	return []identityField{zoneIDField, certificateIDField}
}

func (r *hostnameBindingResource) identityFields() []identityField {
	return []identityField{zoneIDField, hostnameField}
}

func (r *zoneSwitchResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchemaOf(r.identityFields())
}

func (r *certificateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchemaOf(r.identityFields())
}

func (r *hostnameBindingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchemaOf(r.identityFields())
}

func identitySchemaOf(fields []identityField) identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(fields))
	for _, f := range fields {
		attrs[f.name] = identityschema.StringAttribute{RequiredForImport: true, Description: f.description}
	}
	return identityschema.Schema{Attributes: attrs}
}

// setIdentity copies the identity attributes from the resource's state into
// its identity. It does nothing when Terraform sent no identity (before 1.12)
// or when the state is empty (the resource is gone).
func setIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil || state.Raw.IsNull() {
		return diags
	}
	for name := range identity.Schema.GetAttributes() {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(name), &v)...)
		if diags.HasError() || v.IsNull() || v.IsUnknown() {
			continue
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

// importValues returns the values of fields for an import, either parsed
// from the import ID by split or read from the import block's identity, each
// checked before anything reaches the API. idHelp says how to write the ID.
func importValues(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics, fields []identityField,
	split func(string) ([]string, bool), idHelp string) ([]string, bool) {
	if req.ID != "" || req.Identity == nil {
		vals, ok := split(req.ID)
		for i := 0; ok && i < len(fields); i++ {
			ok = fields[i].problem(vals[i]) == ""
		}
		if !ok {
			diags.AddError("Invalid Import ID", fmt.Sprintf("%s Got %q.", idHelp, clip(req.ID)))
			return nil, false
		}
		return vals, true
	}
	vals := make([]string, len(fields))
	for i, f := range fields {
		var v types.String
		if d := req.Identity.GetAttribute(ctx, path.Root(f.name), &v); d.HasError() {
			diags.Append(d...)
			return nil, false
		}
		cause := "it is missing"
		if !v.IsNull() && !v.IsUnknown() {
			vals[i] = v.ValueString()
			if cause = f.problem(vals[i]); cause == "" {
				continue
			}
		}
		diags.AddError("Invalid Import Identity",
			fmt.Sprintf("The import block's identity attribute %s is %q, and %s. Set it to %s, for example: identity = { %s }.",
				f.name, clip(vals[i]), cause, f.form, identityExample(fields)))
		return nil, false
	}
	return vals, true
}

func identityExample(fields []identityField) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%s = %q", f.name, f.example)
	}
	return strings.Join(parts, ", ")
}

// clip keeps a value quoted in a diagnostic short: import values come from
// configuration and may be anything.
func clip(s string) string {
	const limit = 120
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// splitPair splits "a/b"; a value with only one part fails.
func splitPair(id string) ([]string, bool) {
	a, b, ok := strings.Cut(id, "/")
	return []string{a, b}, ok
}

// importZoneHostnames imports a resource that lists hostnames of a zone in
// its bindings map, from <zone_id>/<hostname>,<hostname>,... or from an
// identity (the zone alone: no hostname listed). Read fills in the
// certificates.
func importZoneHostnames(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, fields []identityField, typeName string) {
	var hosts []string
	split := func(id string) ([]string, bool) {
		zoneID, list, ok := strings.Cut(id, "/")
		if !ok || list == "" {
			return nil, false
		}
		hosts = strings.Split(list, ",")
		for _, h := range hosts {
			if hostnameProblem(h) != "" {
				return nil, false
			}
		}
		return []string{zoneID}, true
	}
	vals, ok := importValues(ctx, req, &resp.Diagnostics, fields, split,
		"Import "+typeName+" as <zone_id>/<hostname>,<hostname>,..., for example: terraform import "+
			typeName+".this 023e105f4ecef8ad9ca31a8372d0c353/app.example.com,api.example.com.")
	if !ok {
		return
	}
	zoneID := vals[0]
	listed := map[string]string{}
	for _, h := range hosts {
		listed[h] = ""
	}
	m, d := types.MapValueFrom(ctx, types.StringType, listed)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), zoneID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bindings"), m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}
