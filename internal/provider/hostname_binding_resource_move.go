package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var _ resource.ResourceWithMoveState = &hostnameBindingResource{}

// cloudflareBindingSource is the part of the official provider's
// cloudflare_authenticated_origin_pulls state that is moved. v5 keeps the
// associations in the config list and mirrors one of them in the top-level
// computed attributes; v4 had the flat hostname and
// authenticated_origin_pulls_certificate instead.
type cloudflareBindingSource struct {
	ZoneID     types.String                   `tfsdk:"zone_id"`
	Hostname   types.String                   `tfsdk:"hostname"`
	Config     []cloudflareBindingConfigEntry `tfsdk:"config"`
	CertID     types.String                   `tfsdk:"cert_id"`
	V4CertID   types.String                   `tfsdk:"authenticated_origin_pulls_certificate"`
	Enabled    types.Bool                     `tfsdk:"enabled"`
	Status     types.String                   `tfsdk:"status"`
	CertStatus types.String                   `tfsdk:"cert_status"`
	ExpiresOn  types.String                   `tfsdk:"expires_on"`
	CreatedAt  types.String                   `tfsdk:"created_at"`
	UpdatedAt  types.String                   `tfsdk:"updated_at"`
}

type cloudflareBindingConfigEntry struct {
	CertID   types.String `tfsdk:"cert_id"`
	Enabled  types.Bool   `tfsdk:"enabled"`
	Hostname types.String `tfsdk:"hostname"`
}

func cloudflareBindingSourceSchema() *schema.Schema {
	attrs := map[string]schema.Attribute{
		"enabled": schema.BoolAttribute{Optional: true},
		"config": schema.ListNestedAttribute{
			Optional: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"cert_id":  schema.StringAttribute{Optional: true},
				"enabled":  schema.BoolAttribute{Optional: true},
				"hostname": schema.StringAttribute{Optional: true},
			}},
		},
	}
	for _, name := range []string{"zone_id", "hostname", "cert_id", "authenticated_origin_pulls_certificate", "status", "cert_status", "expires_on", "created_at", "updated_at"} {
		attrs[name] = schema.StringAttribute{Optional: true}
	}
	return &schema.Schema{Attributes: attrs}
}

// MoveState accepts `moved` blocks from cloudflare_authenticated_origin_pulls
// holding exactly one hostname association. Such a resource can hold several
// in its config list, while cfaop_hostname_binding is one hostname; a
// resource with several is refused with instructions to split it, because a
// move cannot turn one state object into several.
func (r *hostnameBindingResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{
		SourceSchema: cloudflareBindingSourceSchema(),
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if !moveFromCloudflare(req, cloudflareHostnameBindingType) {
				return
			}
			r.moveFromCloudflare(ctx, req, resp)
		},
	}}
}

func (r *hostnameBindingResource) moveFromCloudflare(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	const target = "cfaop_hostname_binding"
	var src cloudflareBindingSource
	resp.Diagnostics.Append(moveSourceState(ctx, req, target, &src)...)
	if resp.Diagnostics.HasError() {
		return
	}
	moveRequire(&resp.Diagnostics, src.ZoneID, req.SourceTypeName, "zone_id", target)
	zoneID := stringOr(src.ZoneID, "")
	moveCheckForm(&resp.Diagnostics, zoneID, cfapi.IsZoneID(zoneID), req.SourceTypeName, "zone_id", zoneIDForm, target)
	if resp.Diagnostics.HasError() {
		return
	}

	hostname := stringOr(src.Hostname, "")
	certID := firstNonEmpty(stringOr(src.CertID, ""), stringOr(src.V4CertID, ""))
	enabled := src.Enabled
	switch n := len(src.Config); {
	case n > 1:
		names := make([]string, n)
		imports := make([]string, n)
		for i, e := range src.Config {
			names[i] = stringOr(e.Hostname, "(no hostname)")
			imports[i] = fmt.Sprintf("import {\n  to = cfaop_hostname_binding.<name_%d>\n  id = \"%s/%s\"\n}", i+1, zoneID, names[i])
		}
		resp.Diagnostics.AddError("Several Hostname Associations In One Resource",
			fmt.Sprintf("This %s holds %d hostname associations (%s), and cfaop_hostname_binding manages exactly one hostname, "+
				"so one moved block cannot map it. Split it instead:\n\n"+
				"1. Remove the moved block, and replace the old resource block with a removed block (from = <its address>, "+
				"lifecycle { destroy = false }) so Terraform forgets it without touching Cloudflare.\n"+
				"2. Add one cfaop_hostname_binding per hostname, each with an import block:\n\n%s\n\n"+
				"The next plan imports the associations as they are, with no change at Cloudflare.",
				req.SourceTypeName, n, strings.Join(names, ", "), strings.Join(imports, "\n")))
		return
	case n == 1:
		e := src.Config[0]
		hostname = firstNonEmpty(stringOr(e.Hostname, ""), hostname)
		certID = firstNonEmpty(stringOr(e.CertID, ""), certID)
		if !e.Enabled.IsNull() && !e.Enabled.IsUnknown() {
			enabled = e.Enabled
		}
	}
	if hostname == "" {
		resp.Diagnostics.AddError("No Hostname To Move",
			fmt.Sprintf("This %s names no hostname: it manages zone-level or global Authenticated Origin Pulls, not a hostname association. "+
				"Move it to cfaop_zone_setting, or import the zone's settings with cfaop_zone_setting and cfaop_global_setting (import ID: the zone ID %s).",
				req.SourceTypeName, zoneID))
		return
	}
	if certID == "" {
		resp.Diagnostics.AddError("No Certificate To Move",
			fmt.Sprintf("The association of %s in this %s names no certificate. Remove the moved block and import the binding instead: "+
				"import { to = cfaop_hostname_binding.<name> id = \"%s/%s\" }.", hostname, req.SourceTypeName, zoneID, hostname))
		return
	}
	moveCheckForm(&resp.Diagnostics, hostname, hostnameProblem(hostname) == "", req.SourceTypeName, "hostname", hostnameForm, target)
	moveCheckForm(&resp.Diagnostics, certID, cfapi.IsCertificateID(certID), req.SourceTypeName, "cert_id", certificateIDText, target)
	if resp.Diagnostics.HasError() {
		return
	}
	if enabled.IsNull() || enabled.IsUnknown() {
		enabled = types.BoolValue(true)
	}
	tos, diags := moveNullTimeouts(ctx, resp.TargetState)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, hostnameBindingModel{
		ZoneID:   src.ZoneID,
		Hostname: types.StringValue(hostname),
		bindingValues: bindingValues{
			ID:                types.StringValue(zoneID + "/" + hostname),
			CertificateID:     types.StringValue(certID),
			Enabled:           enabled,
			Status:            types.StringValue(stringOr(src.Status, "")),
			CertificateStatus: types.StringValue(stringOr(src.CertStatus, "")),
			ExpiresOn:         types.StringValue(moveTime(src.ExpiresOn, "")),
			CreatedAt:         types.StringValue(moveTime(src.CreatedAt, "")),
			UpdatedAt:         types.StringValue(moveTime(src.UpdatedAt, "")),
		},
		WaitForDeployment: types.BoolValue(true),
		Timeouts:          tos,
	})...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetState, resp.TargetIdentity)...)
}
