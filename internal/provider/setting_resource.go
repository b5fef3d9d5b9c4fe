package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// A zone switch is an on/off setting of one zone. cfaop_global_setting and
// cfaop_zone_setting differ only in the endpoint and the words, so they share
// this implementation.

var (
	_ resource.ResourceWithConfigure   = &zoneSwitchResource{}
	_ resource.ResourceWithImportState = &zoneSwitchResource{}
	_ resource.ResourceWithModifyPlan  = &zoneSwitchResource{}
)

const switchTimeout = 5 * time.Minute

type zoneSwitchModel struct {
	ID       types.String   `tfsdk:"id"`
	ZoneID   types.String   `tfsdk:"zone_id"`
	Enabled  types.Bool     `tfsdk:"enabled"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (m zoneSwitchModel) operationTimeouts() timeouts.Value { return m.Timeouts }

type zoneSwitchResource struct {
	typeSuffix  string // after "cfaop_"
	what        string // human name used in diagnostics
	description string
	enabledDesc string
	get         func(c *cfapi.Client, ctx context.Context, zoneID string) (bool, error)
	set         func(c *cfapi.Client, ctx context.Context, zoneID string, enabled bool) (bool, error)
	data        *providerData
}

func (r *zoneSwitchResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeSuffix
}

func (r *zoneSwitchResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: r.description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The zone ID; the setting has no identity of its own.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters). Changing it forces a new resource: the old zone's setting is turned off.",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: r.enabledDesc,
				Required:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *zoneSwitchResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(r.data, "cfaop_"+r.typeSuffix, &resp.Diagnostics)
}

// ModifyPlan checks, when the plan would write, that the zone exists and
// that Cloudflare accepts the credentials (one zone read per run), and warns
// when the plan turns the switch on in a zone whose SSL/TLS mode makes it
// ineffective. A no-change plan makes no request.
func (r *zoneSwitchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) || r.data == nil {
		return
	}
	var plan zoneSwitchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(plan.ZoneID) {
		_, d := r.data.zones.check(ctx, plan.ZoneID.ValueString(), path.Root("zone_id"))
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	warnWeakSSLMode(ctx, r.data, plan.ZoneID, plan.Enabled, &resp.Diagnostics)
}

func (r *zoneSwitchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *zoneSwitchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// write applies the plan within the timeout that pick picks from the
// timeouts block, and saves what the API reports.
func (r *zoneSwitchResource) write(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics, pick timeoutPick) {
	plan, opCtx, cancel := decodeWithin[zoneSwitchModel](ctx, p, pick, switchTimeout, diags)
	defer cancel()
	if diags.HasError() {
		return
	}
	diags.Append(r.apply(opCtx, &plan)...)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, plan)...)
}

// apply sets the switch to the planned value and records what the API reports.
func (r *zoneSwitchResource) apply(ctx context.Context, m *zoneSwitchModel) diag.Diagnostics {
	var diags diag.Diagnostics
	zoneID := m.ZoneID.ValueString()
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	// Checked at plan time when the zone ID was known; this covers the
	// rest, before the write (the zone is read once per run).
	if _, d := r.data.zones.check(ctx, zoneID, path.Root("zone_id")); d.HasError() {
		return d
	}
	enabled, err := r.set(r.data.client, ctx, zoneID, m.Enabled.ValueBool())
	if err != nil {
		addAPIError(&diags, r.data, fmt.Sprintf("Cannot Change %s", r.what), fmt.Sprintf("Setting %s of zone %s to %t", r.what, zoneID, m.Enabled.ValueBool()), err)
		return diags
	}
	m.ID = types.StringValue(zoneID)
	m.Enabled = types.BoolValue(enabled)
	tflog.Info(ctx, "Changed zone switch", map[string]any{"setting": r.typeSuffix, "enabled": enabled})
	return diags
}

func (r *zoneSwitchResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ctx, cancel := decodeWithin[zoneSwitchModel](ctx, req.State, timeouts.Value.Read, switchTimeout, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := state.ZoneID.ValueString()
	enabled, err := r.get(r.data.client, ctx, zoneID)
	if cfapi.IsNotFound(err) {
		tflog.Warn(ctx, "Zone no longer exists; removing the setting from state", map[string]any{"zone_id": zoneID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addReadError(ctx, &resp.Diagnostics, r.data, fmt.Sprintf("Cannot Read %s", r.what), fmt.Sprintf("Reading %s of zone %s", r.what, zoneID), err)
		return
	}
	state.ID = types.StringValue(zoneID)
	state.Enabled = types.BoolValue(enabled)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete turns the switch off: leaving it on after destroy would keep
// Cloudflare presenting a certificate the configuration no longer manages.
func (r *zoneSwitchResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel := decodeWithin[zoneSwitchModel](ctx, req.State, timeouts.Value.Delete, switchTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := state.ZoneID.ValueString()
	if _, err := r.set(r.data.client, ctx, zoneID, false); err != nil && !cfapi.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, r.data, fmt.Sprintf("Cannot Turn Off %s", r.what), fmt.Sprintf("Turning off %s of zone %s on destroy", r.what, zoneID), err)
	}
}

func (r *zoneSwitchResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	vals, ok := importValues(ctx, req, &resp.Diagnostics, r.identityFields(), func(id string) ([]string, bool) { return []string{id}, true },
		fmt.Sprintf("Import %s by its zone ID (32 lower-case hexadecimal characters), for example: terraform import cfaop_%s.this 023e105f4ecef8ad9ca31a8372d0c353.", r.what, r.typeSuffix))
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), vals[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), vals[0])...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}
