package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var (
	_ resource.ResourceWithConfigure   = &hostnameBindingsResource{}
	_ resource.ResourceWithImportState = &hostnameBindingsResource{}
	_ resource.ResourceWithModifyPlan  = &hostnameBindingsResource{}
	_ resource.ResourceWithIdentity    = &hostnameBindingsResource{}
)

// NewHostnameBindingsResource binds many hostnames of a zone, each to a
// hostname certificate, as one resource.
func NewHostnameBindingsResource() resource.Resource { return &hostnameBindingsResource{} }

// hostnameBindingsResource is cfaop_hostname_binding for many hostnames at
// once. Terraform's own cost grows faster than linearly with the number of
// instances of a resource (it evaluates for_each again for each instance and
// copies the whole resource's state for each), so a zone with hundreds of
// hostnames plans and applies faster as one instance holding a map.
type hostnameBindingsResource struct {
	data *providerData
}

type hostnameBindingsModel struct {
	ID                types.String   `tfsdk:"id"`
	ZoneID            types.String   `tfsdk:"zone_id"`
	Bindings          types.Map      `tfsdk:"bindings"`
	WaitForDeployment types.Bool     `tfsdk:"wait_for_deployment"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m hostnameBindingsModel) operationTimeouts() timeouts.Value { return m.Timeouts }

func (r *hostnameBindingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hostname_bindings"
}

func (r *hostnameBindingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds many hostnames of one zone, each to a `cfaop_hostname_certificate`, as one resource " +
			"(`PUT /zones/{zone_id}/origin_tls_client_auth/hostnames`, many hostnames per request). It does what a " +
			"`cfaop_hostname_binding` per hostname does, for zones with tens or hundreds of hostnames: one resource instead of " +
			"hundreds keeps Terraform's plan fast, and create, update and destroy wait for Cloudflare's deployment once for all " +
			"hostnames, not once per batch of parallel resources. See the guide *Scaling hostname bindings*.\n\n" +
			"An update writes only the hostnames whose certificate changed, then waits until they are active, and only then removes " +
			"the hostnames no longer listed; a certificate replaced with `create_before_destroy` is deleted after this resource's " +
			"update, so a rotation leaves no hostname without an active certificate. Refresh reads every listed hostname: one " +
			"removed or disabled outside Terraform leaves the map, one bound to another certificate shows that certificate, and the " +
			"next apply puts it back. Destroy removes every listed association (`enabled: null`).\n\n" +
			"Manage each hostname in one place only: a hostname listed here and in a `cfaop_hostname_binding` would be written by both.",
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
				MarkdownDescription: "Hostname → ID of the `cfaop_hostname_certificate` Cloudflare presents when it pulls from that " +
					"hostname's origin. Hostnames are lowercase and fully qualified, without scheme, port or path, and belong to the zone; " +
					"each certificate serves at most 100 hostnames. Changing a hostname's certificate moves it in place with no gap; " +
					"a hostname left out is removed after the others are written.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(hostnameValidator{}),
					mapvalidator.ValueStringsAre(certificateIDValidator),
				},
			},
			"wait_for_deployment": schema.BoolAttribute{
				MarkdownDescription: "Whether create and update wait until every hostname they wrote is `active` on its certificate, and " +
					"update and destroy until every hostname they removed is gone. Defaults to `true`: when apply returns, Cloudflare " +
					"presents the listed certificates. With `false`, writes return once Cloudflare accepted them; deleting a certificate " +
					"still waits until the hostnames moved off it are active elsewhere. Changing it writes nothing.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// identityFields: the zone. The hostnames follow the configuration, so an
// import by identity lists none, and the next apply writes the configured
// ones (a hostname already on its certificate is rewritten unchanged).
func (r *hostnameBindingsResource) identityFields() []identityField {
	return []identityField{zoneIDField}
}

func (r *hostnameBindingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchemaOf(r.identityFields())
}

func (r *hostnameBindingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(r.data, "cfaop_hostname_bindings", &resp.Diagnostics)
}

// bindingsPath is the attribute path of one hostname's certificate ID.
func bindingsPath(hostname string) path.Path { return path.Root("bindings").AtMapKey(hostname) }

// stringMap reads a map attribute into Go, unknown elements as "".
func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	elems := map[string]types.String{}
	diags.Append(m.ElementsAs(ctx, &elems, false)...)
	for h, v := range elems {
		out[h] = v.ValueString()
	}
	return out
}

// bindingChanges is what an apply writes: hostnames to bind to a new
// certificate (hostname → certificate ID) and hostnames to remove
// (hostname → the certificate they leave).
func bindingChanges(want, had map[string]string) (bind, remove map[string]string) {
	bind, remove = map[string]string{}, map[string]string{}
	for h, cert := range want {
		if had[h] != cert {
			bind[h] = cert
		}
	}
	for h, cert := range had {
		if _, kept := want[h]; !kept {
			remove[h] = cert
		}
	}
	return bind, remove
}

// ModifyPlan checks, when the plan writes, what Cloudflare would refuse in
// the middle of an apply, as cfaop_hostname_binding does for one hostname:
// a zone that does not exist, hostnames outside it, certificates past 100
// hostnames; and it warns about certificate IDs that are not hostname
// certificates of the zone (an error at apply, before anything is written).
func (r *hostnameBindingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan hostnameBindingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	had := map[string]string{}
	if !req.State.Raw.IsNull() {
		var state hostnameBindingsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.ZoneID.Equal(state.ZoneID) {
			had = stringMap(ctx, state.Bindings, &resp.Diagnostics)
		}
	}
	if resp.Diagnostics.HasError() || plan.Bindings.IsUnknown() {
		return // an unknown map is checked at apply
	}
	bind, _ := bindingChanges(stringMap(ctx, plan.Bindings, &resp.Diagnostics), had)
	if len(bind) == 0 {
		return
	}
	warnWeakSSLMode(ctx, r.data, plan.ZoneID, types.BoolValue(true), &resp.Diagnostics)
	if !known(plan.ZoneID) {
		return
	}
	diags, certDiags := r.check(ctx, plan.ZoneID.ValueString(), bind, true)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(asWarnings(certDiags)...)
}

// check runs the checks of ModifyPlan and, at apply, again before the first
// write. The 100-hostname count is added to the run's tally only once, at
// plan time (count); unknown certificate IDs ("") are left to the apply.
// The certificates' diagnostics come apart: the plan makes warnings of
// them, because terraform destroy plans the configuration first and must
// not stop there.
func (r *hostnameBindingsResource) check(ctx context.Context, zoneID string, bind map[string]string, count bool) (diags, certDiags diag.Diagnostics) {
	zoneName, d := r.data.zones.check(ctx, zoneID, path.Root("zone_id"))
	diags.Append(d...)
	if d.HasError() {
		return diags, nil
	}
	hosts := slices.Sorted(maps.Keys(bind))
	checked := map[string]bool{} // certificate IDs; diagnostics point at the first hostname on each
	for _, h := range hosts {
		if zoneName != "" {
			diags.Append(hostnameOutsideZone(bindingsPath(h), h, zoneID, zoneName)...)
		}
		cert := bind[h]
		if cert == "" {
			continue
		}
		if !checked[cert] {
			checked[cert] = true
			certDiags.Append(checkHostnameCertificate(ctx, r.data, bindingsPath(h), zoneID, zoneName, cert)...)
		}
		if !count {
			continue
		}
		if n := r.data.limits.addAssociation(cert, zoneID+"/"+h); n == maxAssociationsPerCertificate+1 {
			diags.AddAttributeError(bindingsPath(h), "Too Many Hostnames On One Certificate",
				fmt.Sprintf("Hostname certificate %s would be bound to more than %d hostnames after this plan (%s is number %d), "+
					"but Cloudflare allows at most %d per certificate and would refuse the rest after the others were written, so the "+
					"plan stops here and nothing is written. Counted are the hostnames of this configuration read from Cloudflare and "+
					"those this plan adds; hostnames this plan removes or moves to another certificate are not subtracted. Upload "+
					"another cfaop_hostname_certificate (up to 10 per zone) and bind some hostnames to it.",
					cert, maxAssociationsPerCertificate, h, n, maxAssociationsPerCertificate))
		}
	}
	return diags, certDiags
}

func (r *hostnameBindingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *hostnameBindingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var prior hostnameBindingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, req.Plan, &prior, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// apply writes the planned map over prior (nil for a create): first every
// hostname bound to a new certificate, waiting until they are active, then
// the removals. State records what Cloudflare accepted, also when a write
// or wait fails, so that nothing that exists is forgotten.
func (r *hostnameBindingsResource) apply(ctx context.Context, p tfsdk.Plan, prior *hostnameBindingsModel, state *tfsdk.State, diags *diag.Diagnostics, pick timeoutPick) {
	plan, opCtx, cancel := decodeWithin[hostnameBindingsModel](ctx, p, pick, bindingWriteTimeout, diags)
	defer cancel()
	if diags.HasError() {
		return
	}
	zoneID := plan.ZoneID.ValueString()
	opCtx = tflog.SetField(opCtx, "zone_id", zoneID)
	want := stringMap(ctx, plan.Bindings, diags)
	had := map[string]string{}
	if prior != nil {
		had = stringMap(ctx, prior.Bindings, diags)
	}
	if diags.HasError() {
		return
	}
	bind, remove := bindingChanges(want, had)
	wait := plan.WaitForDeployment.ValueBool()
	checked, certDiags := r.check(opCtx, zoneID, bind, false)
	if diags.Append(append(checked, certDiags...)...); diags.HasError() {
		return
	}
	// done is what Cloudflare holds, and what state records.
	done := maps.Clone(had)
	defer func() {
		m, d := types.MapValueFrom(ctx, types.StringType, done)
		diags.Append(d...)
		plan.Bindings, plan.ID = m, plan.ZoneID
		if prior != nil || len(done) > 0 {
			diags.Append(state.Set(ctx, plan)...)
		}
	}()

	written := r.submit(opCtx, zoneID, bind, false, diags)
	for h := range written {
		done[h] = bind[h]
		if old, moved := had[h]; moved && !wait {
			r.data.registry.leaving(zoneID, old, h)
		}
	}
	if diags.HasError() {
		return
	}
	start := time.Now()
	if wait && len(written) > 0 {
		if err := r.data.associations.waitActive(opCtx, zoneID, written); err != nil {
			r.waitError(diags, "Hostname Bindings Did Not Become Active", zoneID, len(written), "active on their certificates", err)
			return
		}
		tflog.Info(opCtx, "Hostname associations are active", map[string]any{"hostnames": len(written), "waited": time.Since(start).String()})
	}
	gone := r.submit(opCtx, zoneID, remove, true, diags)
	for h := range gone {
		delete(done, h)
	}
	if !diags.HasError() {
		r.settleRemovals(opCtx, zoneID, gone, wait, diags)
	}
}

// submit sends changes (hostname → certificate ID) through the zone's
// batch, all at once, and returns those Cloudflare accepted. remove removes
// the associations instead; a hostname already without one counts as
// removed.
func (r *hostnameBindingsResource) submit(ctx context.Context, zoneID string, changes map[string]string, remove bool, diags *diag.Diagnostics) map[string]string {
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		ok     = map[string]string{}
		failed = map[string]error{}
	)
	for h, cert := range changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.data.associations.forget(zoneID, h)
			_, err := r.data.bindings.Submit(ctx, zoneID, cfapi.BindingChange{Hostname: h, CertID: cert, Enabled: !remove, Remove: remove})
			if remove && err != nil && associationGone(ctx, r.data, zoneID, h, err) {
				err = nil
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed[h] = err
			} else {
				ok[h] = cert
			}
		}()
	}
	wg.Wait()
	if len(failed) == 0 {
		return ok
	}
	hosts := slices.Sorted(maps.Keys(failed))
	first := hosts[0]
	summary, attempt := "Cannot Bind Hostnames", fmt.Sprintf("Binding %s to hostname certificate %s in zone %s", first, changes[first], zoneID)
	if remove {
		summary, attempt = "Cannot Remove Hostname Bindings", fmt.Sprintf("Removing the association of %s in zone %s", first, zoneID)
	}
	if isCredentialRefusal(failed[first]) {
		addAPIError(diags, r.data, summary, attempt, failed[first])
		return ok
	}
	detail := apiErrorDetail(attempt, failed[first])
	if len(hosts) > 1 {
		detail += fmt.Sprintf(" %d more hostnames failed too: %s.", len(hosts)-1, clip(strings.Join(hosts[1:], ", ")))
	}
	if len(ok) > 0 {
		detail += fmt.Sprintf(" Cloudflare accepted the other %d changes, and state records them.", len(ok))
	}
	diags.AddError(summary, detail)
	return ok
}

// associationGone says whether a removal that failed with err finds the
// association gone: Cloudflare refuses to void an association whose
// certificate is deleted (1415) or being deleted (1414), which happens only
// once the association itself is gone; a read tells.
func associationGone(ctx context.Context, data *providerData, zoneID, hostname string, err error) bool {
	if cfapi.IsNotFound(err) {
		return true
	}
	if !cfapi.HasCode(err, cfapi.CodeInvalidCertificate) && !cfapi.HasCode(err, cfapi.CodeCertificatePendingDeletion) {
		return false
	}
	got, rerr := data.client.GetBinding(ctx, zoneID, hostname)
	return cfapi.IsNotFound(rerr) || (rerr == nil && isDeletedStatus(got.Status))
}

// settleRemovals waits until removed hostnames are gone, or, without
// waiting, leaves it to the deletion of their certificates, which Cloudflare
// refuses (and the provider retries) while an association remains.
func (r *hostnameBindingsResource) settleRemovals(ctx context.Context, zoneID string, removed map[string]string, wait bool, diags *diag.Diagnostics) {
	byCert := map[string][]string{}
	for h, cert := range removed {
		byCert[cert] = append(byCert[cert], h)
	}
	for cert, hosts := range byCert {
		if !wait {
			r.data.registry.removing(zoneID, cert)
			continue
		}
		if err := r.data.associations.waitOff(ctx, zoneID, cert, hosts); err != nil {
			r.waitError(diags, "Hostname Binding Removal Did Not Finish", zoneID, len(removed), "removed", err)
			return
		}
	}
}

// waitError reports a wait for n hostnames that did not end.
func (r *hostnameBindingsResource) waitError(diags *diag.Diagnostics, summary, zoneID string, n int, what string, err error) {
	if !isWaitTimeout(err) {
		diags.AddError(summary, apiErrorDetail(fmt.Sprintf("Cloudflare accepted the changes of %d hostnames in zone %s; reading them back", n, zoneID), err))
		return
	}
	diags.AddError(summary, fmt.Sprintf("Waiting for %d hostnames in zone %s to be %s: %s. Cloudflare accepted the changes and state "+
		"records them. If Cloudflare is only slow, raise the operation's timeout in the timeouts block and apply again.", n, zoneID, what, err))
}

// Read reports each listed hostname's certificate as Cloudflare has it. A
// hostname whose association is gone or disabled leaves the map; when none
// is left, the resource is gone. An association still deploying on its
// certificate is no drift: it gets there by itself.
func (r *hostnameBindingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ctx, cancel := decodeWithin[hostnameBindingsModel](ctx, req.State, timeouts.Value.Read, bindingReadTimeout, &resp.Diagnostics)
	defer cancel()
	// Also when the resource turns out gone: Terraform wants an identity.
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
	listed := stringMap(ctx, state.Bindings, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := state.ZoneID.ValueString()
	found, err := r.data.associations.readMany(ctx, zoneID, slices.Collect(maps.Keys(listed)), false)
	if err != nil {
		addReadError(ctx, &resp.Diagnostics, r.data, "Cannot Read Hostname Bindings",
			fmt.Sprintf("Reading the associations of %d hostnames in zone %s", len(listed), zoneID), err)
		return
	}
	actual := map[string]string{}
	for h, b := range found {
		if !b.Enabled {
			tflog.Warn(ctx, "Hostname association is disabled", map[string]any{"zone_id": zoneID, "hostname": h})
			continue
		}
		actual[h] = b.CertID
		r.data.limits.knowAssociation(b.CertID, zoneID+"/"+h)
	}
	if len(listed) > 0 && len(actual) == 0 {
		tflog.Warn(ctx, "No listed hostname is bound any more; removing the resource from state", map[string]any{"zone_id": zoneID})
		resp.State.RemoveResource(ctx)
		return
	}
	m, d := types.MapValueFrom(ctx, types.StringType, actual)
	resp.Diagnostics.Append(d...)
	state.Bindings, state.ID = m, state.ZoneID
	if state.WaitForDeployment.IsNull() {
		state.WaitForDeployment = types.BoolValue(true) // imported: the default
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete removes every listed association and waits until they are gone.
func (r *hostnameBindingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, opCtx, cancel := decodeWithin[hostnameBindingsModel](ctx, req.State, timeouts.Value.Delete, bindingWriteTimeout, &resp.Diagnostics)
	defer cancel()
	listed := stringMap(ctx, state.Bindings, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := state.ZoneID.ValueString()
	opCtx = tflog.SetField(opCtx, "zone_id", zoneID)
	gone := r.submit(opCtx, zoneID, listed, true, &resp.Diagnostics)
	wait := state.WaitForDeployment.IsNull() || state.WaitForDeployment.ValueBool()
	r.settleRemovals(opCtx, zoneID, gone, wait, &resp.Diagnostics)
	if resp.Diagnostics.HasError() && len(gone) < len(listed) {
		// Keep what is left: Terraform keeps the prior state on a failed
		// delete, which still lists the removed hostnames; a refresh drops them.
		left := maps.Clone(listed)
		for h := range gone {
			delete(left, h)
		}
		m, d := types.MapValueFrom(ctx, types.StringType, left)
		resp.Diagnostics.Append(d...)
		state.Bindings = m
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *hostnameBindingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importZoneHostnames(ctx, req, resp, r.identityFields(), "cfaop_hostname_bindings")
}
