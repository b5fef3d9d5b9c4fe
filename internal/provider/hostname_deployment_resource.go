package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.ResourceWithConfigure   = &hostnameDeploymentResource{}
	_ resource.ResourceWithImportState = &hostnameDeploymentResource{}
	_ resource.ResourceWithIdentity    = &hostnameDeploymentResource{}
)

const deploymentWaitTimeout = 30 * time.Minute

// NewHostnameDeploymentResource waits, once for many hostnames, until their
// associations are deployed.
func NewHostnameDeploymentResource() resource.Resource { return &hostnameDeploymentResource{} }

type hostnameDeploymentResource struct {
	data *providerData
}

type hostnameDeploymentModel struct {
	ID       types.String   `tfsdk:"id"`
	ZoneID   types.String   `tfsdk:"zone_id"`
	Bindings types.Map      `tfsdk:"bindings"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *hostnameDeploymentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hostname_deployment"
}

func (r *hostnameDeploymentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits until Cloudflare has deployed the associations of many hostnames of a zone, once for all of them. " +
			"It writes nothing: it is the one place where a configuration whose `cfaop_hostname_binding` resources set " +
			"`wait_for_deployment = false` waits, so an apply of hundreds of hostnames costs one deployment delay instead of one per " +
			"batch of parallel bindings.\n\n" +
			"Create and update return when every hostname in `bindings` is `active` on its certificate. Refresh reads each hostname's " +
			"association: a hostname no longer bound, or bound to another certificate, shows as a change, and applying it waits again. " +
			"Destroy only forgets the resource: removals need no waiting here, because deleting a certificate waits for the hostnames " +
			"leaving it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The zone ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters). Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"bindings": schema.MapAttribute{
				MarkdownDescription: "Hostname → ID of the hostname certificate it must be active on, typically " +
					"`{ for b in cfaop_hostname_binding.this : b.hostname => b.certificate_id }`: referencing the bindings orders this " +
					"resource after them. Changing it updates in place and waits again.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(hostnameValidator{}),
					mapvalidator.ValueStringsAre(certificateIDValidator),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

// identityFields: the zone is what stays the same, the listed hostnames
// follow the configuration. Imported by identity, the deployment lists no
// hostname, and the next apply waits for the configured ones.
func (r *hostnameDeploymentResource) identityFields() []identityField {
	return []identityField{zoneIDField}
}

func (r *hostnameDeploymentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchemaOf(r.identityFields())
}

func (r *hostnameDeploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(r.data, "cfaop_hostname_deployment", &resp.Diagnostics)
}

func (r *hostnameDeploymentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.wait(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *hostnameDeploymentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.wait(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// wait waits until every planned hostname is active on its certificate,
// then records the plan.
func (r *hostnameDeploymentResource) wait(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics,
	timeoutOf func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)) {
	var plan hostnameDeploymentModel
	diags.Append(p.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	timeout, d := timeoutOf(plan.Timeouts, ctx, deploymentWaitTimeout)
	diags.Append(d...)
	want := map[string]string{}
	diags.Append(plan.Bindings.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	zoneID := plan.ZoneID.ValueString()
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	start := time.Now()
	if err := r.data.associations.waitActive(ctx, zoneID, want); err != nil {
		if !isWaitTimeout(err) {
			// Not addAPIError: its "wrote nothing" is untrue once this run's bindings are written.
			diags.AddError("Hostname Deployment Did Not Finish", apiErrorDetail(fmt.Sprintf("Reading the hostname associations of zone %s", zoneID), err))
			return
		}
		diags.AddError("Hostname Deployment Did Not Finish",
			fmt.Sprintf("Waiting for %d hostname associations in zone %s to become active on their certificates: %s.\n\n"+
				"A hostname not bound, or bound to another certificate, never becomes active here: check that bindings matches "+
				"the cfaop_hostname_binding resources. If Cloudflare is only slow, raise timeouts.create or timeouts.update and apply again.",
				len(want), zoneID, err))
		return
	}
	tflog.Info(ctx, "Hostname associations are active", map[string]any{"hostnames": len(want), "waited": time.Since(start).String()})
	plan.ID = plan.ZoneID
	diags.Append(state.Set(ctx, plan)...)
}

// Read reports each hostname's certificate as Cloudflare has it: a hostname
// whose association is gone leaves the map, one bound elsewhere shows that
// certificate. An association still deploying on the listed certificate is
// no drift: it gets there by itself.
func (r *hostnameDeploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state hostnameDeploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	listed := map[string]string{}
	resp.Diagnostics.Append(state.Bindings.ElementsAs(ctx, &listed, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := state.ZoneID.ValueString()
	actual := map[string]string{}
	found, err := r.data.associations.readMany(ctx, zoneID, slices.Collect(maps.Keys(listed)), true)
	for h, b := range found {
		actual[h] = b.CertID
	}
	if err != nil {
		addReadError(ctx, &resp.Diagnostics, r.data, "Cannot Read Hostname Deployment",
			fmt.Sprintf("Reading the associations of %d hostnames in zone %s", len(listed), zoneID), err)
		return
	}
	m, d := types.MapValueFrom(ctx, types.StringType, actual)
	resp.Diagnostics.Append(d...)
	state.Bindings = m
	state.ID = state.ZoneID
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// Delete forgets the resource: see the schema description.
func (r *hostnameDeploymentResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *hostnameDeploymentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importZoneHostnames(ctx, req, resp, r.identityFields(), "cfaop_hostname_deployment")
}
