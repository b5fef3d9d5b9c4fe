package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var _ resource.ResourceWithMoveState = &zoneSwitchResource{}

// cloudflareZoneSettingSource is the state of the official provider's
// cloudflare_authenticated_origin_pulls_settings.
type cloudflareZoneSettingSource struct {
	ZoneID  types.String `tfsdk:"zone_id"`
	Enabled types.Bool   `tfsdk:"enabled"`
}

// MoveState accepts `moved` blocks from cloudflare_authenticated_origin_pulls_settings
// into cfaop_zone_setting. cfaop_global_setting has no counterpart resource in
// the official provider v5 (it is one of its many zone settings), so it
// accepts none: import it instead.
func (r *zoneSwitchResource) MoveState(context.Context) []resource.StateMover {
	if r.typeSuffix != "zone_setting" {
		return nil
	}
	return []resource.StateMover{{
		SourceSchema: &schema.Schema{Attributes: map[string]schema.Attribute{
			"zone_id": schema.StringAttribute{Optional: true},
			"enabled": schema.BoolAttribute{Optional: true},
		}},
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if !moveFromCloudflare(req, cloudflareZoneSettingType) {
				return
			}
			target := "cfaop_" + r.typeSuffix
			var src cloudflareZoneSettingSource
			resp.Diagnostics.Append(moveSourceState(ctx, req, target, &src)...)
			if resp.Diagnostics.HasError() {
				return
			}
			moveRequire(&resp.Diagnostics, src.ZoneID, req.SourceTypeName, "zone_id", target)
			zoneID := stringOr(src.ZoneID, "")
			moveCheckForm(&resp.Diagnostics, zoneID, cfapi.IsZoneID(zoneID), req.SourceTypeName, "zone_id", zoneIDForm, target)
			tos, diags := moveNullTimeouts(ctx, resp.TargetState)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			resp.Diagnostics.Append(resp.TargetState.Set(ctx, zoneSwitchModel{
				ID:       src.ZoneID,
				ZoneID:   src.ZoneID,
				Enabled:  src.Enabled,
				Timeouts: tos,
			})...)
			resp.Diagnostics.Append(setIdentity(ctx, resp.TargetState, resp.TargetIdentity)...)
		},
	}}
}
