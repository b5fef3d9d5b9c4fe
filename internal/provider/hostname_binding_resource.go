package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var (
	_ resource.ResourceWithConfigure   = &hostnameBindingResource{}
	_ resource.ResourceWithImportState = &hostnameBindingResource{}
	_ resource.ResourceWithModifyPlan  = &hostnameBindingResource{}
)

const (
	bindingWriteTimeout = 15 * time.Minute
	bindingReadTimeout  = 5 * time.Minute
)

// NewHostnameBindingResource binds a hostname to a hostname certificate.
func NewHostnameBindingResource() resource.Resource { return &hostnameBindingResource{} }

type hostnameBindingResource struct {
	data *providerData
}

type hostnameBindingModel struct {
	ZoneID   types.String `tfsdk:"zone_id"`
	Hostname types.String `tfsdk:"hostname"`
	bindingValues
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// bindingValues is what Cloudflare reports about an association; the
// resource and the data source share it and its mapper.
type bindingValues struct {
	ID                types.String `tfsdk:"id"`
	CertificateID     types.String `tfsdk:"certificate_id"`
	Enabled           types.Bool   `tfsdk:"enabled"`
	Status            types.String `tfsdk:"status"`
	CertificateStatus types.String `tfsdk:"certificate_status"`
	ExpiresOn         types.String `tfsdk:"expires_on"`
	CreatedAt         types.String `tfsdk:"created_at"`
	UpdatedAt         types.String `tfsdk:"updated_at"`
}

// set copies Cloudflare's view of the association of hostname.
func (v *bindingValues) set(zoneID, hostname string, b cfapi.Binding) {
	v.ID = types.StringValue(zoneID + "/" + hostname)
	v.CertificateID = types.StringValue(b.CertID)
	v.Enabled = types.BoolValue(b.Enabled)
	v.Status = types.StringValue(b.Status)
	v.CertificateStatus = types.StringValue(b.CertStatus)
	v.ExpiresOn = types.StringValue(formatTime(b.ExpiresOn))
	v.CreatedAt = types.StringValue(formatTime(b.CreatedAt))
	v.UpdatedAt = types.StringValue(formatTime(b.UpdatedAt))
}

func (r *hostnameBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hostname_binding"
}

func (r *hostnameBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds one hostname to a `cfaop_hostname_certificate` (`PUT /zones/{zone_id}/origin_tls_client_auth/hostnames`): " +
			"Cloudflare presents that certificate when it pulls from this hostname's origin, ahead of the zone-level and global certificates.\n\n" +
			"Changing `certificate_id` moves the binding in place with one request and no gap; changing `hostname` replaces the binding, " +
			"and the old hostname's association is removed. Destroy removes the association (`enabled: null`), it does not merely disable it. " +
			"Concurrent binding writes for a zone are sent together in one request, so a large apply stays far below Cloudflare's rate limit." +
			"\n\nA plan that turns this on warns when the zone's SSL/TLS encryption mode is Off or Flexible: Cloudflare then reaches the origin " +
			"over plain HTTP and presents no client certificate at all. The mode is read once per zone per run, and only by plans that write.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<zone_id>/<hostname>`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 hexadecimal characters). Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"hostname": schema.StringAttribute{
				MarkdownDescription: "The hostname, lowercase and fully qualified, without scheme, port or path (e.g. `app.example.com`); it must belong to the zone. Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{hostnameValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"certificate_id": schema.StringAttribute{
				MarkdownDescription: "ID of the `cfaop_hostname_certificate` to present. A zone-level certificate is not accepted. Changing it updates the binding in place.",
				Required:            true,
				Validators:          []validatorString{certificateIDValidator{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether Cloudflare presents the certificate for this hostname. `false` keeps the association but disables it. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Deployment status of the association: `pending_deployment`, `active`, `pending_deletion`, ... Create and update wait for `active`.",
				Computed:            true,
			},
			"certificate_status": schema.StringAttribute{
				MarkdownDescription: "Status of the bound certificate.",
				Computed:            true,
			},
			"expires_on": schema.StringAttribute{
				MarkdownDescription: "When the bound certificate expires, RFC 3339.",
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the association was created, RFC 3339.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the association last changed, RFC 3339.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *hostnameBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps the computed values when nothing changes, warns when a
// write would be ineffective because of the zone's SSL/TLS mode, and checks
// at plan time that a new certificate_id names a hostname certificate: the
// API's answer to a zone certificate ID (1415) does not say what is wrong.
func (r *hostnameBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	// Nothing changes (every binding of a no-change plan): skip decoding
	// plan and state, a measurable share of a 500-binding plan's CPU.
	if req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan hostnameBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state hostnameBindingModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.CertificateID.Equal(state.CertificateID) && plan.Enabled.Equal(state.Enabled) && plan.Hostname.Equal(state.Hostname) && plan.ZoneID.Equal(state.ZoneID) {
			plan.Status, plan.CertificateStatus, plan.ExpiresOn, plan.UpdatedAt = state.Status, state.CertificateStatus, state.ExpiresOn, state.UpdatedAt
			resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
			return
		}
	}
	// The plan writes the association: check that the zone's SSL/TLS mode
	// lets Cloudflare present its certificate at all.
	warnWeakSSLMode(ctx, r.data, plan.ZoneID, plan.Enabled, &resp.Diagnostics)
	if !req.State.Raw.IsNull() && plan.CertificateID.Equal(state.CertificateID) {
		return
	}
	if !known(plan.CertificateID) || !known(plan.ZoneID) {
		return
	}
	resp.Diagnostics.Append(r.checkCertificate(ctx, plan.ZoneID.ValueString(), plan.CertificateID.ValueString())...)
}

// checkCertificate explains a certificate_id that is not a live hostname
// certificate. It reads through the run's certificate cache: applying 500
// bindings then costs one list request, not 500 reads.
func (r *hostnameBindingResource) checkCertificate(ctx context.Context, zoneID, certID string) diag.Diagnostics {
	var diags diag.Diagnostics
	c, err := r.data.certificates.Get(ctx, cfapi.HostnameCertificate, zoneID, certID)
	if err == nil && c.Status != cfapi.StatusDeleted && c.Status != cfapi.StatusPendingDeletion {
		return diags
	}
	if err != nil && !cfapi.IsNotFound(err) {
		return diags // not conclusive; the apply reports what Cloudflare says
	}
	if _, zerr := r.data.client.GetCertificate(ctx, cfapi.ZoneCertificate, zoneID, certID); zerr == nil {
		diags.AddAttributeError(path.Root("certificate_id"), "Zone Certificate Given Where A Hostname Certificate Is Required",
			fmt.Sprintf("certificate_id %s is a zone-level certificate (cfaop_zone_certificate). A hostname binding needs a hostname certificate: "+
				"upload the certificate with cfaop_hostname_certificate and use its id. Zone-level certificates apply to the whole zone "+
				"through cfaop_zone_setting and cannot be bound to a hostname.", certID))
		return diags
	}
	state := "does not exist"
	if err == nil {
		state = "is being deleted (status " + c.Status + ")"
	}
	diags.AddAttributeError(path.Root("certificate_id"), "Hostname Certificate Not Found",
		fmt.Sprintf("No live hostname certificate %s in zone %s: it %s. Reference a cfaop_hostname_certificate resource's id "+
			"(e.g. cfaop_hostname_certificate.app.id), so Terraform creates the certificate before the binding.", certID, zoneID, state))
	return diags
}

func (r *hostnameBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *hostnameBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// save writes the planned association within the timeout that timeoutOf
// picks, and records it in state once Cloudflare accepted it.
func (r *hostnameBindingResource) save(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics,
	timeoutOf func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)) {
	var plan hostnameBindingModel
	diags.Append(p.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	timeout, d := timeoutOf(plan.Timeouts, ctx, bindingWriteTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	r.write(ctx, timeout, &plan, diags)
	if plan.ID.IsUnknown() {
		return
	}
	diags.Append(state.Set(ctx, plan)...)
}

// write sends the association through the zone's batch and waits until it
// is active. Once Cloudflare accepted it, m holds what Cloudflare reports
// (also when the wait fails); m.ID stays unknown when nothing was applied.
func (r *hostnameBindingResource) write(ctx context.Context, timeout time.Duration, m *hostnameBindingModel, diags *diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	zoneID, hostname, certID := m.ZoneID.ValueString(), m.Hostname.ValueString(), m.CertificateID.ValueString()
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	ctx = tflog.SetField(ctx, "hostname", hostname)
	ctx = tflog.SetField(ctx, "certificate_id", certID)
	put, err := r.data.bindings.Submit(ctx, zoneID, cfapi.BindingChange{Hostname: hostname, CertID: certID, Enabled: m.Enabled.ValueBool()})
	if err != nil {
		if cfapi.HasCode(err, cfapi.CodeInvalidCertificate) {
			if more := r.checkCertificate(ctx, zoneID, certID); more.HasError() {
				diags.Append(more...)
				return
			}
		}
		diags.AddError("Cannot Bind Hostname", apiErrorDetail(fmt.Sprintf("Binding %s to hostname certificate %s in zone %s", hostname, certID, zoneID), err))
		return
	}
	// Recorded before waiting: if the wait fails, Terraform keeps the binding
	// (tainted) instead of forgetting an association that exists.
	m.set(zoneID, hostname, put)
	got, err := r.waitActive(ctx, zoneID, hostname, certID)
	if got.Hostname != "" {
		m.set(zoneID, hostname, got)
	}
	if err != nil {
		diags.AddError("Hostname Binding Did Not Become Active", err.Error())
	}
}

func (r *hostnameBindingResource) waitActive(ctx context.Context, zoneID, hostname, certID string) (cfapi.Binding, error) {
	var last cfapi.Binding
	_, err := waitFor(ctx, fmt.Sprintf("the association of %s with %s to become active", hostname, certID), func(ctx context.Context) (bool, string, error) {
		got, err := r.data.client.GetBinding(ctx, zoneID, hostname)
		if err != nil {
			return false, "", err
		}
		last = got
		return got.Status == cfapi.StatusActive && got.CertID == certID, got.Status, nil
	})
	return last, err
}

func (r *hostnameBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state hostnameBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, bindingReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	zoneID, hostname := state.ZoneID.ValueString(), state.Hostname.ValueString()
	got, err := r.data.client.GetBinding(ctx, zoneID, hostname)
	if cfapi.IsNotFound(err) || (err == nil && (got.Status == cfapi.StatusPendingDeletion || got.Status == cfapi.StatusDeleted)) {
		tflog.Warn(ctx, "Hostname association is gone; removing it from state", map[string]any{"zone_id": zoneID, "hostname": hostname})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read Hostname Binding", apiErrorDetail(fmt.Sprintf("Reading the association of %s in zone %s", hostname, zoneID), err))
		return
	}
	state.set(zoneID, hostname, got)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete removes the association (enabled: null) and waits until it is gone.
func (r *hostnameBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state hostnameBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, bindingWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	zoneID, hostname, certID := state.ZoneID.ValueString(), state.Hostname.ValueString(), state.CertificateID.ValueString()
	ctx = tflog.SetField(ctx, "hostname", hostname)
	_, err := r.data.bindings.Submit(ctx, zoneID, cfapi.BindingChange{Hostname: hostname, CertID: certID, Remove: true})
	if cfapi.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot Remove Hostname Binding", apiErrorDetail(fmt.Sprintf("Removing the association of %s in zone %s", hostname, zoneID), err))
		return
	}
	_, err = waitFor(ctx, fmt.Sprintf("the association of %s to be removed", hostname), func(ctx context.Context) (bool, string, error) {
		got, err := r.data.client.GetBinding(ctx, zoneID, hostname)
		if cfapi.IsNotFound(err) {
			return true, "gone", nil
		}
		if err != nil {
			return false, "", err
		}
		return got.Status == cfapi.StatusDeleted, got.Status, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Hostname Binding Removal Did Not Finish", err.Error())
	}
}

func (r *hostnameBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	zoneID, hostname, ok := strings.Cut(req.ID, "/")
	if !ok || !zoneIDPattern.MatchString(zoneID) || hostnameProblem(hostname) != "" {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Import a hostname binding as <zone_id>/<hostname>, for example: terraform import cfaop_hostname_binding.app 023e105f4ecef8ad9ca31a8372d0c353/app.example.com. Got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("hostname"), hostname)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), zoneID+"/"+hostname)...)
}
