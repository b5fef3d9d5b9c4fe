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
	WaitForDeployment types.Bool     `tfsdk:"wait_for_deployment"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m hostnameBindingModel) operationTimeouts() timeouts.Value { return m.Timeouts }

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
				MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters). Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"hostname": schema.StringAttribute{
				MarkdownDescription: "The hostname, lowercase and fully qualified, without scheme, port or path (e.g. `app.example.com`); it must belong to the zone. Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{hostnameValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"certificate_id": schema.StringAttribute{
				MarkdownDescription: "ID of the `cfaop_hostname_certificate` to present; it must be a hostname certificate of the binding's zone (a zone-level certificate or another zone's certificate is refused before anything is written). At most 100 hostnames per certificate. Changing it updates the binding in place.",
				Required:            true,
				Validators:          []validatorString{certificateIDValidator},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether Cloudflare presents the certificate for this hostname. `false` keeps the association but disables it. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"wait_for_deployment": schema.BoolAttribute{
				MarkdownDescription: "Whether create and update wait until Cloudflare reports the association `active`, and destroy until it is gone. " +
					"Defaults to `true`. With `false`, every write returns as soon as Cloudflare accepted it, and one `cfaop_hostname_deployment` " +
					"waits for all of a zone's bindings at once: see the guide *Scaling hostname bindings*. Deleting a certificate still waits " +
					"until the hostnames this run moved off it are active on their new one, so rotations keep their zero gap either way. Changing it writes nothing.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Deployment status of the association: `pending_deployment`, `active`, `pending_deletion`, ... Create and update wait for `active` unless `wait_for_deployment` is `false`.",
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
	requireCredentials(r.data, "cfaop_hostname_binding", &resp.Diagnostics)
}

// ModifyPlan keeps the computed values when nothing changes. When the plan
// would write, it warns when the zone's SSL/TLS mode makes the binding
// ineffective, and checks what Cloudflare would refuse in the middle of an
// apply: a zone that does not exist, refused credentials, a hostname outside
// the zone, and a certificate past 100 hostnames (see limit_tally.go for what
// is counted). A certificate_id that is not a hostname certificate of this
// zone only gets a warning here and an error at apply, before anything is
// written: terraform destroy plans the configuration first, and an error at
// plan time would stop the destroy of everything else.
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
	var state *hostnameBindingModel
	if !req.State.Raw.IsNull() {
		state = &hostnameBindingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if plan.CertificateID.Equal(state.CertificateID) && plan.Enabled.Equal(state.Enabled) && plan.Hostname.Equal(state.Hostname) && plan.ZoneID.Equal(state.ZoneID) {
			plan.Status, plan.CertificateStatus, plan.ExpiresOn, plan.UpdatedAt = state.Status, state.CertificateStatus, state.ExpiresOn, state.UpdatedAt
			resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
			return
		}
	}
	// The plan writes the association: check that the zone's SSL/TLS mode
	// lets Cloudflare present its certificate at all.
	warnWeakSSLMode(ctx, r.data, plan.ZoneID, plan.Enabled, &resp.Diagnostics)
	if !known(plan.ZoneID) {
		return // checked at apply, before the write
	}
	zoneID := plan.ZoneID.ValueString()
	zoneName, d := r.data.zones.check(ctx, zoneID, path.Root("zone_id"))
	resp.Diagnostics.Append(d...)
	if d.HasError() {
		return
	}
	if zoneName != "" && known(plan.Hostname) {
		resp.Diagnostics.Append(hostnameOutsideZone(path.Root("hostname"), plan.Hostname.ValueString(), zoneID, zoneName)...)
	}
	if !known(plan.CertificateID) {
		return
	}
	certID := plan.CertificateID.ValueString()
	if state != nil && plan.CertificateID.Equal(state.CertificateID) && plan.Hostname.Equal(state.Hostname) && plan.ZoneID.Equal(state.ZoneID) {
		return // only enabled changes: no new association, same certificate
	}
	resp.Diagnostics.Append(asWarnings(r.checkCertificate(ctx, zoneID, zoneName, certID))...)
	r.countAssociation(plan, state, &resp.Diagnostics)
}

// countAssociation adds this binding to its certificate's count and refuses
// the one that takes the certificate past Cloudflare's limit of 100.
func (r *hostnameBindingResource) countAssociation(plan hostnameBindingModel, state *hostnameBindingModel, diags *diag.Diagnostics) {
	certID := plan.CertificateID.ValueString()
	key := r.data.limits.unknownKey()
	if known(plan.Hostname) {
		key = plan.ZoneID.ValueString() + "/" + plan.Hostname.ValueString()
	}
	// Replaced (new hostname or zone) on the same certificate: destroy, then
	// create, so the old association is gone before the new one is made.
	if state != nil && state.CertificateID.ValueString() == certID && (!plan.Hostname.Equal(state.Hostname) || !plan.ZoneID.Equal(state.ZoneID)) {
		r.data.limits.forgetAssociation(certID, state.ZoneID.ValueString()+"/"+state.Hostname.ValueString())
	}
	n := r.data.limits.addAssociation(certID, key)
	if n <= maxAssociationsPerCertificate {
		return
	}
	diags.AddAttributeError(path.Root("certificate_id"), "Too Many Hostnames On One Certificate",
		fmt.Sprintf("Hostname certificate %s would be bound to %d hostnames after this plan, but Cloudflare allows at most %d per certificate "+
			"and would refuse this binding (code 1419) after the others were made, so the plan stops here and nothing is written. "+
			"Counted are the bindings of this configuration read from Cloudflare and those this plan adds; bindings made outside "+
			"this configuration are not known to Terraform and not counted, and bindings this plan removes or moves to another "+
			"certificate are not subtracted, because Terraform does not order those changes before this one. "+
			"Upload a second cfaop_hostname_certificate (up to 10 per zone) and bind some hostnames to it, or apply the removals first.",
			certID, n, maxAssociationsPerCertificate))
}

// hostnameOutsideZone refuses a hostname that does not belong to the zone.
func hostnameOutsideZone(at path.Path, hostname, zoneID, zoneName string) diag.Diagnostics {
	var diags diag.Diagnostics
	if inZone(hostname, zoneName) {
		return diags
	}
	diags.AddAttributeError(at, "Hostname Outside The Zone",
		fmt.Sprintf("%s is not in zone %s (ID %s): Cloudflare binds only the zone's own hostnames, %s and names ending in .%s, "+
			"and would refuse this binding. Use a hostname of this zone, or set zone_id to the zone that holds %s "+
			"(GET /client/v4/zones?name=<that zone's name> shows its ID).", hostname, zoneName, zoneID, zoneName, zoneName, hostname))
	return diags
}

// asWarnings turns errors into warnings of the same text.
func asWarnings(in diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range in {
		if d.Severity() != diag.SeverityError {
			out.Append(d)
			continue
		}
		detail := d.Detail() + "\n\nApplying this plan stops before writing this binding, unless the certificate changes first. " +
			"This is a warning at plan time so that terraform destroy, which plans the configuration first, still works."
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out.AddAttributeWarning(wp.Path(), d.Summary(), detail)
		} else {
			out.AddWarning(d.Summary(), detail)
		}
	}
	return out
}

// checkCertificate explains a certificate_id that is not a live hostname
// certificate of the zone. It reads through the run's certificate cache:
// applying many bindings then costs one list request, not one read each.
func (r *hostnameBindingResource) checkCertificate(ctx context.Context, zoneID, zoneName, certID string) diag.Diagnostics {
	return checkHostnameCertificate(ctx, r.data, path.Root("certificate_id"), zoneID, zoneName, certID)
}

// checkHostnameCertificate is checkCertificate for the certificate ID at
// attribute at, which its diagnostics point at and name.
func checkHostnameCertificate(ctx context.Context, data *providerData, at path.Path, zoneID, zoneName, certID string) diag.Diagnostics {
	var diags diag.Diagnostics
	c, err := data.certificates.Get(ctx, cfapi.HostnameCertificate, zoneID, certID)
	if err == nil && !isDeletedStatus(c.Status) {
		return diags
	}
	if err != nil && !cfapi.IsNotFound(err) {
		return diags // not conclusive; the apply reports what Cloudflare says
	}
	zone := "zone " + zoneID
	if zoneName != "" {
		zone = fmt.Sprintf("zone %s (%s)", zoneID, zoneName)
	}
	if err == nil {
		diags.AddAttributeError(at, "Hostname Certificate Is Being Deleted",
			fmt.Sprintf("Hostname certificate %s in %s is being deleted (status %s) and cannot be bound. Point %s at a live "+
				"cfaop_hostname_certificate of this zone, e.g. its id attribute.", certID, zone, c.Status, at))
		return diags
	}
	if otherZone, ok := data.limits.certificateZone(certID); ok && otherZone != zoneID {
		diags.AddAttributeError(at, "Certificate Belongs To Another Zone",
			fmt.Sprintf("Hostname certificate %s belongs to zone %s, but this binding is in %s. Cloudflare binds a hostname only to a "+
				"certificate of the hostname's own zone. Either set this binding's zone_id to the certificate's zone (e.g. "+
				"zone_id = cfaop_hostname_certificate.<name>.zone_id) if the hostname belongs there, or upload the certificate "+
				"in this zone with a cfaop_hostname_certificate whose zone_id is %s and use its id.", certID, otherZone, zone, zoneID))
		return diags
	}
	if _, zerr := data.client.GetCertificate(ctx, cfapi.ZoneCertificate, zoneID, certID); zerr == nil {
		diags.AddAttributeError(at, "Zone Certificate Given Where A Hostname Certificate Is Required",
			fmt.Sprintf("%s %s is a zone-level certificate (cfaop_zone_certificate). A hostname binding needs a hostname certificate: "+
				"upload the certificate with cfaop_hostname_certificate and use its id. Zone-level certificates apply to the whole zone "+
				"through cfaop_zone_setting and cannot be bound to a hostname.", at, certID))
		return diags
	}
	diags.AddAttributeError(at, "Certificate Not In This Zone",
		fmt.Sprintf("%s has no hostname certificate %s. Either the certificate belongs to another zone (Cloudflare binds a hostname "+
			"only to a certificate of its own zone), or it was deleted. If it is another zone's, set this binding's zone_id to that "+
			"zone or upload the certificate in this zone with a cfaop_hostname_certificate whose zone_id is %s; if it was deleted, "+
			"upload it again and use the new resource's id.", zone, certID, zoneID))
	return diags
}

func (r *hostnameBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *hostnameBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var prior hostnameBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.save(ctx, req.Plan, &prior, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// save writes the planned association within the timeout that pick
// picks, and records it in state once Cloudflare accepted it. prior is the
// state an update starts from, nil for a create.
func (r *hostnameBindingResource) save(ctx context.Context, p tfsdk.Plan, prior *hostnameBindingModel, state *tfsdk.State, diags *diag.Diagnostics, pick timeoutPick) {
	plan, opCtx, cancel := decodeWithin[hostnameBindingModel](ctx, p, pick, bindingWriteTimeout, diags)
	defer cancel()
	if diags.HasError() {
		return
	}
	if prior != nil && bindingUnchanged(plan, *prior) {
		// Only wait_for_deployment changed: nothing to write.
		plan.bindingValues = prior.bindingValues
		diags.Append(state.Set(ctx, plan)...)
		return
	}
	r.write(opCtx, &plan, diags)
	if plan.ID.IsUnknown() {
		return
	}
	if prior != nil && !plan.WaitForDeployment.ValueBool() && prior.CertificateID.ValueString() != plan.CertificateID.ValueString() {
		r.data.registry.leaving(plan.ZoneID.ValueString(), prior.CertificateID.ValueString(), plan.Hostname.ValueString())
	}
	diags.Append(state.Set(ctx, plan)...)
}

// write sends the association through the zone's batch and waits until it
// is active. Once Cloudflare accepted it, m holds what Cloudflare reports
// (also when the wait fails); m.ID stays unknown when nothing was applied.
func (r *hostnameBindingResource) write(ctx context.Context, m *hostnameBindingModel, diags *diag.Diagnostics) {
	zoneID, hostname, certID := m.ZoneID.ValueString(), m.Hostname.ValueString(), m.CertificateID.ValueString()
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	ctx = tflog.SetField(ctx, "hostname", hostname)
	ctx = tflog.SetField(ctx, "certificate_id", certID)
	// Checked again before the write: values unknown at plan time, and the
	// certificate problems the plan only warned about.
	zoneName, d := r.data.zones.check(ctx, zoneID, path.Root("zone_id"))
	diags.Append(d...)
	if zoneName != "" {
		diags.Append(hostnameOutsideZone(path.Root("hostname"), hostname, zoneID, zoneName)...)
	}
	if !diags.HasError() {
		diags.Append(r.checkCertificate(ctx, zoneID, zoneName, certID)...)
	}
	if diags.HasError() {
		return
	}
	r.data.associations.forget(zoneID, hostname)
	put, err := r.data.bindings.Submit(ctx, zoneID, cfapi.BindingChange{Hostname: hostname, CertID: certID, Enabled: m.Enabled.ValueBool()})
	if err != nil {
		if cfapi.HasCode(err, cfapi.CodeInvalidCertificate) || cfapi.HasCode(err, cfapi.CodeCertificatePendingDeletion) {
			if more := r.checkCertificate(ctx, zoneID, zoneName, certID); more.HasError() {
				diags.Append(more...)
				return
			}
		}
		addAPIError(diags, r.data, "Cannot Bind Hostname", fmt.Sprintf("Binding %s to hostname certificate %s in zone %s", hostname, certID, zoneID), err)
		return
	}
	// Recorded before waiting: if the wait fails, Terraform keeps the binding
	// (tainted) instead of forgetting an association that exists.
	m.set(zoneID, hostname, put)
	if !m.WaitForDeployment.ValueBool() {
		return
	}
	err = r.data.associations.waitActive(ctx, zoneID, map[string]string{hostname: certID})
	if got, ok := r.data.associations.lastSeen(zoneID, hostname); ok && got.CertID == certID {
		m.set(zoneID, hostname, got)
	}
	if err != nil && !isWaitTimeout(err) {
		diags.AddError("Hostname Binding Did Not Become Active",
			apiErrorDetail(fmt.Sprintf("Cloudflare accepted the association of %s with %s; reading it back", hostname, certID), err))
	} else if err != nil {
		diags.AddError("Hostname Binding Did Not Become Active",
			fmt.Sprintf("Waiting for the association of %s with %s to become active: %s. Raise timeouts.create or timeouts.update, "+
				"or set wait_for_deployment = false and wait with a cfaop_hostname_deployment.", hostname, certID, err))
	}
}

// bindingUnchanged reports whether plan writes nothing that state holds.
func bindingUnchanged(plan, state hostnameBindingModel) bool {
	return plan.CertificateID.Equal(state.CertificateID) && plan.Enabled.Equal(state.Enabled) &&
		plan.Hostname.Equal(state.Hostname) && plan.ZoneID.Equal(state.ZoneID)
}

func (r *hostnameBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ctx, cancel := decodeWithin[hostnameBindingModel](ctx, req.State, timeouts.Value.Read, bindingReadTimeout, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, hostname := state.ZoneID.ValueString(), state.Hostname.ValueString()
	got, err := r.data.client.GetBinding(ctx, zoneID, hostname)
	if err == nil || cfapi.IsNotFound(err) {
		r.data.associations.remember(zoneID, hostname, got, err != nil)
	}
	if cfapi.IsNotFound(err) || (err == nil && isDeletedStatus(got.Status)) {
		tflog.Warn(ctx, "Hostname association is gone; removing it from state", map[string]any{"zone_id": zoneID, "hostname": hostname})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addReadError(ctx, &resp.Diagnostics, r.data, "Cannot Read Hostname Binding", fmt.Sprintf("Reading the association of %s in zone %s", hostname, zoneID), err)
		return
	}
	state.set(zoneID, hostname, got)
	if state.WaitForDeployment.IsNull() {
		state.WaitForDeployment = types.BoolValue(true) // imported or moved: the default
	}
	r.data.limits.knowAssociation(got.CertID, zoneID+"/"+hostname)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete removes the association (enabled: null) and waits until it is gone.
func (r *hostnameBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel := decodeWithin[hostnameBindingModel](ctx, req.State, timeouts.Value.Delete, bindingWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, hostname, certID := state.ZoneID.ValueString(), state.Hostname.ValueString(), state.CertificateID.ValueString()
	ctx = tflog.SetField(ctx, "hostname", hostname)
	r.data.associations.forget(zoneID, hostname)
	_, err := r.data.bindings.Submit(ctx, zoneID, cfapi.BindingChange{Hostname: hostname, CertID: certID, Remove: true})
	if err != nil && associationGone(ctx, r.data, zoneID, hostname, err) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, r.data, "Cannot Remove Hostname Binding", fmt.Sprintf("Removing the association of %s in zone %s", hostname, zoneID), err)
		return
	}
	if !state.WaitForDeployment.IsNull() && !state.WaitForDeployment.ValueBool() {
		// The certificate's deletion is retried until the removal is done.
		r.data.registry.removing(zoneID, certID)
		return
	}
	if err := r.data.associations.waitOff(ctx, zoneID, certID, []string{hostname}); err != nil {
		resp.Diagnostics.AddError("Hostname Binding Removal Did Not Finish",
			fmt.Sprintf("Waiting for the association of %s to be removed: %s. Raise timeouts.delete and run terraform destroy again.", hostname, err))
	}
}

func (r *hostnameBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	vals, ok := importValues(ctx, req, &resp.Diagnostics, r.identityFields(), splitPair,
		"Import a hostname binding as <zone_id>/<hostname>, for example: terraform import cfaop_hostname_binding.app 023e105f4ecef8ad9ca31a8372d0c353/app.example.com.")
	if !ok {
		return
	}
	zoneID, hostname := vals[0], vals[1]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("hostname"), hostname)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), zoneID+"/"+hostname)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}
