package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// cfaop_zone_certificate and cfaop_hostname_certificate are the same object
// at two endpoints; this file holds their shared implementation.

var (
	_ resource.ResourceWithConfigure      = &certificateResource{}
	_ resource.ResourceWithImportState    = &certificateResource{}
	_ resource.ResourceWithModifyPlan     = &certificateResource{}
	_ resource.ResourceWithValidateConfig = &certificateResource{}
)

const (
	certificateCreateTimeout = 15 * time.Minute
	certificateDeleteTimeout = 15 * time.Minute
	certificateReadTimeout   = 5 * time.Minute
	// uploadAttempts bounds re-uploads after an ambiguous failure; each is
	// preceded by a listing that proves the previous one was not stored.
	uploadAttempts = 3
)

type certificateModel struct {
	ID                  types.String   `tfsdk:"id"`
	ZoneID              types.String   `tfsdk:"zone_id"`
	Certificate         certificatePEM `tfsdk:"certificate"`
	PrivateKey          privateKeyPEM  `tfsdk:"private_key"`
	PrivateKeyWO        types.String   `tfsdk:"private_key_wo"`
	PrivateKeyWOVersion types.Int64    `tfsdk:"private_key_wo_version"`
	Status              types.String   `tfsdk:"status"`
	Issuer              types.String   `tfsdk:"issuer"`
	SerialNumber        types.String   `tfsdk:"serial_number"`
	Signature           types.String   `tfsdk:"signature"`
	ExpiresOn           types.String   `tfsdk:"expires_on"`
	UploadedOn          types.String   `tfsdk:"uploaded_on"`
	SHA256Fingerprint   types.String   `tfsdk:"sha256_fingerprint"`
	AdoptExisting       types.Bool     `tfsdk:"adopt_existing"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (m certificateModel) operationTimeouts() timeouts.Value { return m.Timeouts }

// privateKey is the key to upload and the attribute it came from: private_key
// from the plan, else the write-only private_key_wo, which only the
// configuration holds. The key is "" when neither has a value.
func privateKey(plan, cfg certificateModel) (keyPEM, attr string) {
	if k := plan.PrivateKey.ValueString(); k != "" {
		return k, "private_key"
	}
	return cfg.PrivateKeyWO.ValueString(), "private_key_wo"
}

type certificateResource struct {
	kind        cfapi.CertificateKind
	typeSuffix  string
	description string
	data        *providerData
}

func (r *certificateResource) typeName() string { return "cfaop_" + r.typeSuffix }

func (r *certificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeSuffix
}

func (r *certificateResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: r.description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Certificate ID assigned by Cloudflare.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters). Changing it forces a new resource.",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"certificate": schema.StringAttribute{
				MarkdownDescription: "The client certificate Cloudflare presents to the origin: exactly one PEM-encoded leaf certificate " +
					"(no chain, no CA certificate). Compared by content, so line endings, indentation and a trailing newline never " +
					"cause a change. Certificates are immutable at Cloudflare: a different certificate forces a new resource " +
					"(use `create_before_destroy` to rotate without a gap).",
				CustomType:    certificatePEMType{},
				Required:      true,
				PlanModifiers: []planmodifier.String{keepSamePEM[certificateContent]{}, stringplanmodifier.RequiresReplaceIf(certificateChanged, "A different certificate forces a new resource.", "A different certificate forces a new resource.")},
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "The certificate's private key, unencrypted PEM. Accepted: " + pemcert.AcceptedKeyFormats + ". " +
					"Stored in state (marked sensitive); prefer `private_key_wo` to keep it out of state. Exactly one of " +
					"`private_key` and `private_key_wo` must be set. It must match `certificate`. Compared by content, so the key's " +
					"form (PKCS#1, PKCS#8, SEC1) and its line endings never cause a change.",
				CustomType: privateKeyPEMType{},
				Optional:   true,
				Sensitive:  true,
				Validators: []validatorString{
					stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("private_key_wo")),
					stringvalidator.ConflictsWith(path.MatchRoot("private_key_wo")),
				},
				PlanModifiers: []planmodifier.String{keepSamePEM[privateKeyContent]{}},
			},
			"private_key_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only twin of `private_key` (Terraform 1.11 and later): sent to Cloudflare on upload and never " +
					"stored in state or plan. Requires `private_key_wo_version`.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
			},
			"private_key_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `private_key_wo`. Terraform cannot see a write-only value change, so change this number when the key changes.",
				Optional:            true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Cloudflare's deployment status: `initializing`, `pending_deployment`, `active`, `pending_deletion`, `deleted`, " +
					"`deployment_timed_out` or `deletion_timed_out`. Create waits for `active`.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"issuer": schema.StringAttribute{
				MarkdownDescription: "The certificate's issuer as Cloudflare reports it.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"serial_number": schema.StringAttribute{
				MarkdownDescription: "The certificate's serial number, in decimal.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"signature": schema.StringAttribute{
				MarkdownDescription: "The certificate's signature algorithm, e.g. `SHA256WithRSA` or `ECDSAWithSHA256`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"expires_on": schema.StringAttribute{
				MarkdownDescription: "When the certificate expires, RFC 3339.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"uploaded_on": schema.StringAttribute{
				MarkdownDescription: "When the certificate was uploaded, RFC 3339.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"sha256_fingerprint": schema.StringAttribute{
				MarkdownDescription: "SHA-256 fingerprint of the certificate's DER, lowercase hexadecimal; known at plan time, so a rotation is visible in the plan.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"adopt_existing": adoptExistingAttribute(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

// certificateChanged replaces only when the DER differs, not the text.
func certificateChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() {
		resp.RequiresReplace = !req.StateValue.IsNull()
		return
	}
	resp.RequiresReplace = !pemcert.SemanticallyEqual(req.StateValue.ValueString(), req.PlanValue.ValueString())
}

func (r *certificateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(r.data, r.typeName(), &resp.Diagnostics)
}

// ValidateConfig rejects, before anything is planned, every certificate and
// key Cloudflare would refuse or an origin would not accept.
func (r *certificateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg certificateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Both keys set is refused by ConflictsWith in the schema. Neither set is
	// checked here and not with ExactlyOneOf: its generic "one of these is
	// required" does not say that a null ephemeral variable is the usual
	// cause, nor which attribute to prefer and how to set it.
	switch {
	case cfg.PrivateKey.IsNull() && cfg.PrivateKeyWO.IsNull() && !cfg.PrivateKeyWOVersion.IsNull():
		// private_key_wo_version is set, so the key attribute most likely is
		// too, and its value is null: an unset (ephemeral) variable.
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), summaryKeyValueMissing, keyValueMissingDetail("private_key_wo"))
	case cfg.PrivateKey.IsNull() && cfg.PrivateKeyWO.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), "Missing Private Key",
			"Cloudflare needs the certificate's private key to present the certificate. Set private_key_wo together with "+
				"private_key_wo_version (Terraform 1.11+; the key never lands in state), or private_key (stored in state, marked sensitive).")
	case !cfg.PrivateKeyWO.IsNull() && cfg.PrivateKeyWOVersion.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo_version"), "Missing Private Key Version",
			"private_key_wo is set but private_key_wo_version is not. Terraform cannot see a change of a write-only value, so set "+
				"private_key_wo_version = 1 and raise it whenever the key changes.")
	}
	certOK := false
	if known(cfg.Certificate.StringValue) {
		findings := pemcert.CheckCertificate(cfg.Certificate.ValueString(), r.data.now(), 0)
		addFindings(&resp.Diagnostics, path.Root("certificate"), findings)
		certOK = !hasErrorFinding(findings)
	}
	for _, k := range []struct {
		attr  string
		value types.String
	}{{"private_key", cfg.PrivateKey.StringValue}, {"private_key_wo", cfg.PrivateKeyWO}} {
		if !known(k.value) {
			continue
		}
		findings := pemcert.CheckKey(k.value.ValueString())
		if !hasErrorFinding(findings) && certOK {
			findings = append(findings, pemcert.CheckPair(cfg.Certificate.ValueString(), k.value.ValueString())...)
		}
		addFindings(&resp.Diagnostics, path.Root(k.attr), findings)
	}
}

const summaryKeyValueMissing = "Private Key Value Is Null"

// keyValueMissingDetail explains a key attribute whose value is null,
// typically an ephemeral variable that was not given.
func keyValueMissingDetail(attr string) string {
	return attr + " is null: either it is not set, or the expression it is set to evaluated to null. This usually means an input or " +
		"ephemeral variable was not given, e.g. variable \"private_key\" { ephemeral = true } without TF_VAR_private_key or -var; " +
		"ephemeral variables must be given again when a saved plan is applied. Give the variable a value (the key's PEM text, " +
		"e.g. TF_VAR_private_key=\"$(cat client.key)\") and run Terraform again. If the attribute is really not set, set " +
		"private_key_wo together with private_key_wo_version, or private_key."
}

// ModifyPlan warns about a certificate close to expiry, and on replacement
// plans the values that can be known from the certificate itself. When the
// plan would upload, it first checks what Cloudflare would refuse halfway
// through an apply: a zone that does not exist, refused credentials and,
// for hostname certificates, the zone's limit of 10.
func (r *certificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan certificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	replacing := creating
	if !creating {
		var state certificateModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if r.kind == cfapi.HostnameCertificate && known(state.ID) && r.data != nil {
			r.data.limits.noteCertificate(state.ID.ValueString(), state.ZoneID.ValueString())
		}
		replacing = !known(plan.Certificate.StringValue) || !state.ZoneID.Equal(plan.ZoneID) ||
			!pemcert.SemanticallyEqual(state.Certificate.ValueString(), plan.Certificate.ValueString())
	}
	var cert *x509.Certificate
	if known(plan.Certificate.StringValue) {
		cert, _ = pemcert.ParseLeaf(plan.Certificate.ValueString()) // nil when invalid: ValidateConfig reported it
	}
	if replacing && r.data != nil && known(plan.ZoneID) {
		zoneID := plan.ZoneID.ValueString()
		_, d := r.data.zones.check(ctx, zoneID, path.Root("zone_id"))
		resp.Diagnostics.Append(d...)
		if creating && cert != nil && !d.HasError() && !plan.AdoptExisting.ValueBool() {
			r.checkAlreadyUploaded(ctx, zoneID, cert, &resp.Diagnostics)
		}
		if creating && r.kind == cfapi.HostnameCertificate && !resp.Diagnostics.HasError() {
			r.checkHostnameLimit(ctx, zoneID, cert, &resp.Diagnostics)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if cert == nil {
		return
	}
	if r.data != nil && r.data.expiryWarning > 0 {
		for _, f := range pemcert.CheckCertificate(plan.Certificate.ValueString(), r.data.now(), r.data.expiryWarning) {
			if f.Code == pemcert.CodeExpiresSoon {
				resp.Diagnostics.AddAttributeWarning(path.Root("certificate"), f.Summary, f.Detail)
			}
		}
	}
	if !replacing {
		return
	}
	info := pemcert.Describe(cert)
	plan.ID = types.StringUnknown()
	plan.Status = types.StringUnknown()
	plan.Issuer = types.StringUnknown()
	plan.Signature = types.StringUnknown()
	plan.UploadedOn = types.StringUnknown()
	plan.SerialNumber = types.StringValue(info.SerialNumber)
	plan.ExpiresOn = types.StringValue(info.NotAfter.UTC().Format(time.RFC3339))
	plan.SHA256Fingerprint = types.StringValue(info.SHA256Fingerprint)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// checkAlreadyUploaded refuses, at plan time, to upload a certificate the
// zone already holds (Cloudflare would answer 1406), unless a resource of
// this run holds it in state (a tainted one being replaced) or the upload
// journal shows that an interrupted earlier run sent it, or adopt_existing
// is set: Create adopts it then.
// With -refresh=false the state is not read, so a tainted certificate being
// replaced by the same one is refused here too; a refresh clears that.
// It reads the run's shared listing of the zone's certificates.
func (r *certificateResource) checkAlreadyUploaded(ctx context.Context, zoneID string, cert *x509.Certificate, diags *diag.Diagnostics) {
	certs, err := r.data.certificates.List(ctx, r.kind, zoneID)
	if err != nil {
		return // not conclusive; the upload reports what Cloudflare says
	}
	fingerprint := pemcert.SHA256Fingerprint(cert)
	for _, c := range certs {
		if isDeletedStatus(c.Status) {
			continue
		}
		parsed, err := pemcert.ParseLeaf(c.Certificate)
		if err != nil || pemcert.SHA256Fingerprint(parsed) != fingerprint {
			continue
		}
		// Terraform plans a tainted resource as a creation (no prior state):
		// the certificate it holds is replaced, deleted first, not a 1406.
		if r.data.limits.isInState(c.ID) {
			return
		}
		if _, ok := r.data.journal.Adoptable(ctx, zoneID, journalKind(r.kind), fingerprint, c.UploadedOn); ok {
			return
		}
		r.addUploadError(diags, zoneID, fingerprint, &c, nil)
		return
	}
}

// checkHostnameLimit refuses a new hostname certificate that would take
// its zone past Cloudflare's limit of 10, counting by the rule in
// limit_tally.go: the zone's live hostname certificates (from the run's
// shared listing) plus the ones this run uploads. cert is nil when the
// certificate is not known yet.
func (r *certificateResource) checkHostnameLimit(ctx context.Context, zoneID string, cert *x509.Certificate, diags *diag.Diagnostics) {
	certs, err := r.data.certificates.List(ctx, r.kind, zoneID)
	if err != nil {
		return // not conclusive; the upload reports what Cloudflare says
	}
	live := map[string]bool{}
	for _, c := range certs {
		if isDeletedStatus(c.Status) {
			continue
		}
		if parsed, err := pemcert.ParseLeaf(c.Certificate); err == nil {
			live[pemcert.SHA256Fingerprint(parsed)] = true
		} else {
			live["id:"+c.ID] = true
		}
	}
	key := r.data.limits.unknownKey()
	if cert != nil {
		key = pemcert.SHA256Fingerprint(cert)
	}
	total, planned := r.data.limits.addUpload(zoneID, key, live)
	if total <= maxHostnameCertificatesPerZone {
		return
	}
	diags.AddAttributeError(path.Root("zone_id"), "Too Many Hostname Certificates In Zone",
		fmt.Sprintf("Zone %s would hold %d hostname certificates: %d exist at Cloudflare and this run uploads %d (this one included). "+
			"Cloudflare allows at most %d per zone and would refuse this upload (code 1416) after the others were made, so the plan stops here "+
			"and nothing is written. Delete hostname certificates that no hostname uses (remove their cfaop_hostname_certificate resources "+
			"and apply, or delete them in the dashboard) or upload fewer in one zone. Deletions planned in the same run are not counted, "+
			"because Terraform does not order them before this upload: apply them first, e.g. terraform apply -target=<address of the certificate to delete>.",
			zoneID, total, total-planned, planned, maxHostnameCertificatesPerZone))
}

func (r *certificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ctx, cancel := decodeWithin[certificateModel](ctx, req.Plan, timeouts.Value.Create, certificateCreateTimeout, &resp.Diagnostics)
	defer cancel()
	var cfg certificateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = cfapi.RedactLogs(ctx, nil) // the key is in scope here: never let an error text log it

	zoneID := plan.ZoneID.ValueString()
	keyPEM, keyAttr := privateKey(plan, cfg)
	if keyPEM == "" {
		resp.Diagnostics.AddAttributeError(path.Root(keyAttr), summaryKeyValueMissing, keyValueMissingDetail(keyAttr))
		return
	}
	// Values unknown at plan time are checked now, before anything is sent;
	// so is the zone, when its ID was not known at plan time.
	_, zoneDiags := r.data.zones.check(ctx, zoneID, path.Root("zone_id"))
	resp.Diagnostics.Append(zoneDiags...)
	findings := pemcert.CheckCertificate(plan.Certificate.ValueString(), r.data.now(), 0)
	addFindings(&resp.Diagnostics, path.Root("certificate"), onlyErrors(findings))
	if !hasErrorFinding(findings) {
		keyFindings := append(pemcert.CheckKey(keyPEM), pemcert.CheckPair(plan.Certificate.ValueString(), keyPEM)...)
		addFindings(&resp.Diagnostics, path.Root(keyAttr), onlyErrors(keyFindings))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	cert, _ := pemcert.ParseLeaf(plan.Certificate.ValueString())
	info := pemcert.Describe(cert)
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	ctx = tflog.SetField(ctx, "sha256_fingerprint", info.SHA256Fingerprint)

	uploadKey, err := pemcert.UploadKeyPEM(keyPEM)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(keyAttr), pemcert.SummaryInvalidKeyPEM, err.Error())
		return
	}
	if !r.claimOrRefuse(zoneID, info.SHA256Fingerprint, &resp.Diagnostics) {
		return
	}
	attempt := r.data.journal.Begin(ctx, zoneID, journalKind(r.kind), info.SHA256Fingerprint)
	uploaded, err := r.upload(ctx, zoneID, canonicalPEM(cert.Raw), uploadKey, info.SHA256Fingerprint)
	var existing *cfapi.Certificate // the live certificate Cloudflare's 1406 refers to, when found
	if cfapi.HasCode(err, cfapi.CodeCertificateExists) {
		// One listing serves both the adoption check and the error's import ID.
		if found, ok, _ := r.findByFingerprint(ctx, zoneID, info.SHA256Fingerprint); ok {
			existing = &found
			if r.adoptInterrupted(ctx, zoneID, info.SHA256Fingerprint, found, &resp.Diagnostics) ||
				r.adoptConsented(ctx, plan.AdoptExisting.ValueBool(), zoneID, info.SHA256Fingerprint, found, &resp.Diagnostics) {
				uploaded, err = found, nil
			}
		} else if c, retried, rerr := r.uploadAfterDeletion(ctx, zoneID, canonicalPEM(cert.Raw), uploadKey, info.SHA256Fingerprint); retried {
			uploaded, err = c, rerr
		}
	}
	r.data.certificates.Invalidate(r.kind, zoneID)
	if err != nil {
		if !cfapi.IsAmbiguous(err) {
			r.data.journal.Abandon(ctx, attempt) // provably not stored by this attempt
		}
		r.addUploadError(&resp.Diagnostics, zoneID, info.SHA256Fingerprint, existing, err)
		return
	}
	ctx = tflog.SetField(ctx, "certificate_id", uploaded.ID)
	if r.kind == cfapi.HostnameCertificate {
		r.data.limits.noteCertificate(uploaded.ID, zoneID)
	}
	fillCertificate(&plan, uploaded, info)
	// Saved before waiting: if the wait fails, Terraform keeps the certificate
	// as tainted and replaces it next time instead of leaving an orphan.
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	final, err := r.waitActive(ctx, zoneID, uploaded)
	if final.ID != "" {
		fillCertificate(&plan, final, info)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
	if err != nil {
		resp.Diagnostics.AddError("Certificate Did Not Become Active", err.Error())
	}
}

// upload sends the certificate. After an ambiguous failure it lists the
// zone's certificates and adopts the one with this fingerprint, uploading
// again only when that listing proves the first upload was not stored.
func (r *certificateResource) upload(ctx context.Context, zoneID, certPEM, keyPEM, fingerprint string) (cfapi.Certificate, error) {
	client := r.data.client
	for attempt := 1; ; attempt++ {
		c, err := client.UploadCertificate(ctx, r.kind, zoneID, certPEM, keyPEM)
		if err == nil {
			tflog.Info(ctx, "Uploaded certificate", map[string]any{"certificate_id": c.ID, "status": c.Status})
			return c, nil
		}
		// A 1406 after our own ambiguous attempt means that attempt was stored.
		if attempt > 1 && cfapi.HasCode(err, cfapi.CodeCertificateExists) {
			if found, ok, lerr := r.findByFingerprint(ctx, zoneID, fingerprint); lerr == nil && ok {
				return found, nil
			}
		}
		if !cfapi.IsAmbiguous(err) || ctx.Err() != nil {
			return cfapi.Certificate{}, err
		}
		tflog.Warn(ctx, "Upload outcome unknown; checking whether Cloudflare stored the certificate", map[string]any{"attempt": attempt, "error": err.Error()})
		found, ok, lerr := r.checkStored(ctx, zoneID, fingerprint)
		if lerr != nil {
			return cfapi.Certificate{}, &uploadOutcomeUnknownError{err: err, listErr: lerr}
		}
		if ok {
			tflog.Info(ctx, "Adopted the certificate stored by an upload whose answer was lost", map[string]any{"certificate_id": found.ID})
			return found, nil
		}
		if attempt >= uploadAttempts {
			return cfapi.Certificate{}, &uploadsNotStoredError{err: err, uploads: attempt}
		}
		if err := pause.For(ctx, r.data.uploadCheckPause(attempt)); err != nil {
			return cfapi.Certificate{}, err
		}
	}
}

// checkStored lists the zone's certificates to learn whether an upload whose
// answer was lost was stored. The client already repeats a failed listing,
// but giving up here fails the apply with the outcome unknown, so a listing
// that still fails is tried again after a pause, as many times as an upload.
func (r *certificateResource) checkStored(ctx context.Context, zoneID, fingerprint string) (cfapi.Certificate, bool, error) {
	for try := 1; ; try++ {
		found, ok, err := r.findByFingerprint(ctx, zoneID, fingerprint)
		if err == nil || try >= uploadAttempts || ctx.Err() != nil {
			return found, ok, err
		}
		tflog.Warn(ctx, "Cannot list the zone's certificates to check the upload; trying again", map[string]any{"try": try, "error": err.Error()})
		if pause.For(ctx, r.data.uploadCheckPause(try)) != nil {
			return found, ok, err
		}
	}
}

// uploadCheckPause is the pause after the given failed upload or listing:
// the retry pause (1 s), then twice that.
func (d *providerData) uploadCheckPause(try int) time.Duration { return d.retryPause << (try - 1) }

// uploadOutcomeUnknownError is an upload whose answer was lost and whose
// check, a listing of the zone's certificates, failed too: Cloudflare may or
// may not hold the certificate.
type uploadOutcomeUnknownError struct {
	err     error // the upload's
	listErr error
}

func (e *uploadOutcomeUnknownError) Error() string {
	return fmt.Sprintf("%v; listing the zone's certificates to find out whether it was stored also failed: %v", e.err, e.listErr)
}

func (e *uploadOutcomeUnknownError) Unwrap() error { return e.err }

// uploadsNotStoredError is an upload given up after several tries, each
// proved by a listing not to have been stored.
type uploadsNotStoredError struct {
	err     error // the last try's
	uploads int
}

func (e *uploadsNotStoredError) Error() string {
	return fmt.Sprintf("%v (gave up after %d uploads; none was stored)", e.err, e.uploads)
}

func (e *uploadsNotStoredError) Unwrap() error { return e.err }

// adoptInterrupted reports whether to take over found, the certificate
// Cloudflare already holds, because the upload journal shows that an earlier
// Terraform run in this working directory sent it and was interrupted before
// saving state (see package uploadjournal). Otherwise the 1406 stays an error.
func (r *certificateResource) adoptInterrupted(ctx context.Context, zoneID, fingerprint string, found cfapi.Certificate, diags *diag.Diagnostics) bool {
	prev, ok := r.data.journal.Adoptable(ctx, zoneID, journalKind(r.kind), fingerprint, found.UploadedOn)
	if !ok {
		return false
	}
	tflog.Warn(ctx, "Adopted a certificate uploaded by an interrupted earlier run", map[string]any{
		"certificate_id": found.ID, "attempted_at": prev.AttemptedAt.Format(time.RFC3339), "uploaded_on": formatTime(found.UploadedOn),
	})
	diags.AddWarning("Certificate Adopted From An Interrupted Run",
		fmt.Sprintf("Cloudflare already had this certificate (SHA-256 %s) as %s %s in zone %s, uploaded on %s. This working directory's "+
			"upload journal shows that an earlier Terraform run sent it at %s and ended before saving state, so Terraform now manages "+
			"that certificate instead of uploading it again.",
			fingerprint, r.kind, found.ID, zoneID, formatTime(found.UploadedOn), prev.AttemptedAt.Format(time.RFC3339)))
	return true
}

// findByFingerprint finds a live certificate of this kind with the given fingerprint.
func (r *certificateResource) findByFingerprint(ctx context.Context, zoneID, fingerprint string) (cfapi.Certificate, bool, error) {
	certs, err := r.data.client.ListCertificates(ctx, r.kind, zoneID)
	if err != nil {
		return cfapi.Certificate{}, false, err
	}
	for _, c := range certs {
		if isDeletedStatus(c.Status) {
			continue
		}
		if parsed, err := pemcert.ParseLeaf(c.Certificate); err == nil && pemcert.SHA256Fingerprint(parsed) == fingerprint {
			return c, true, nil
		}
	}
	return cfapi.Certificate{}, false, nil
}

// addUploadError explains a failed upload; found is the live certificate
// with this fingerprint when a 1406 was answered and the listing found it.
// A nil err means the plan found the certificate before any upload.
func (r *certificateResource) addUploadError(diags *diag.Diagnostics, zoneID, fingerprint string, found *cfapi.Certificate, err error) {
	if err == nil || cfapi.HasCode(err, cfapi.CodeCertificateExists) {
		diags.AddAttributeError(path.Root("certificate"), "Certificate Already Uploaded", r.alreadyUploadedDetail(zoneID, fingerprint, found, err))
		return
	}
	if cfapi.HasCode(err, cfapi.CodeOnlyLeafCertificate) {
		diags.AddAttributeError(path.Root("certificate"), pemcert.SummaryCACertificate,
			"Cloudflare accepts only a leaf certificate here. Upload a leaf certificate signed by your CA and install the CA on the origin. "+
				"Cloudflare said: "+apiCodes(err)+".")
		return
	}
	addAPIError(diags, r.data, "Cannot Upload Certificate", fmt.Sprintf("Uploading the %s to zone %s", r.kind, zoneID), err)
}

// waitActive polls until the certificate is active.
func (r *certificateResource) waitActive(ctx context.Context, zoneID string, c cfapi.Certificate) (cfapi.Certificate, error) {
	if c.Status == cfapi.StatusActive {
		return c, nil
	}
	last := c
	_, err := r.data.poll.waitFor(ctx, fmt.Sprintf("%s %s to become active", r.kind, c.ID), func(ctx context.Context) (bool, string, error) {
		got, err := r.data.client.GetCertificate(ctx, r.kind, zoneID, c.ID)
		if err != nil {
			return false, "", err
		}
		last = got
		switch got.Status {
		case cfapi.StatusActive:
			return true, got.Status, nil
		case cfapi.StatusDeploymentTimedOut:
			return false, got.Status, fmt.Errorf("cloudflare could not deploy %s %s to its edge (status deployment_timed_out). "+
				"It stays in state as tainted, so the next apply deletes it and uploads the certificate again; "+
				"if that fails too, contact Cloudflare support with the certificate ID", r.kind, c.ID)
		case cfapi.StatusDeleted, cfapi.StatusPendingDeletion, cfapi.StatusDeletionTimedOut:
			return false, got.Status, fmt.Errorf("%s %s was deleted outside Terraform while it was being deployed (status %s)", r.kind, c.ID, got.Status)
		}
		return false, got.Status, nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w. Cloudflare usually deploys a certificate within minutes; raise timeouts.create if your zone needs longer. "+
			"The certificate stays in state as tainted and is replaced by the next apply", err)
	}
	return last, err
}

func (r *certificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ctx, cancel := decodeWithin[certificateModel](ctx, req.State, timeouts.Value.Read, certificateReadTimeout, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, id := state.ZoneID.ValueString(), state.ID.ValueString()
	got, err := r.data.certificates.Get(ctx, r.kind, zoneID, id)
	if cfapi.IsNotFound(err) || (err == nil && isDeletedStatus(got.Status)) {
		tflog.Warn(ctx, "Certificate is gone; removing it from state", map[string]any{"zone_id": zoneID, "certificate_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addReadError(ctx, &resp.Diagnostics, r.data, "Cannot Read Certificate", fmt.Sprintf("Reading %s %s in zone %s", r.kind, id, zoneID), err)
		return
	}
	cert, err := pemcert.ParseLeaf(got.Certificate)
	if err != nil {
		addUnreadableCertificateError(&resp.Diagnostics, r.kind, zoneID, id, err)
		return
	}
	if state.Certificate.IsNull() || !pemcert.SemanticallyEqual(state.Certificate.ValueString(), got.Certificate) {
		state.Certificate = certificatePEM{StringValue: types.StringValue(got.Certificate)}
	}
	fillCertificate(&state, got, pemcert.Describe(cert))
	if r.kind == cfapi.HostnameCertificate {
		r.data.limits.noteCertificate(id, zoneID)
	}
	r.data.limits.noteInState(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	// State holds the certificate: an earlier interrupted upload of it needs no adoption.
	r.data.journal.Forget(ctx, zoneID, journalKind(r.kind), state.SHA256Fingerprint.ValueString())
}

// Update changes nothing at Cloudflare: certificates are immutable, and only
// the key's encoding, its write-only version or the certificate's formatting
// can change without replacement.
func (r *certificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, cfg certificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keyPEM, keyAttr := privateKey(plan, cfg)
	if keyPEM != "" {
		addFindings(&resp.Diagnostics, path.Root(keyAttr), onlyErrors(append(pemcert.CheckKey(keyPEM), pemcert.CheckPair(plan.Certificate.ValueString(), keyPEM)...)))
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *certificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel := decodeWithin[certificateModel](ctx, req.State, timeouts.Value.Delete, certificateDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, id := state.ZoneID.ValueString(), state.ID.ValueString()
	ctx = tflog.SetField(ctx, "certificate_id", id)
	if r.kind == cfapi.HostnameCertificate {
		r.waitHostnamesOff(ctx, zoneID, id, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	err := r.requestDeletion(ctx, zoneID, id)
	r.data.certificates.Invalidate(r.kind, zoneID)
	if err == nil || cfapi.IsNotFound(err) {
		r.data.journal.Forget(ctx, zoneID, journalKind(r.kind), state.SHA256Fingerprint.ValueString())
	}
	if cfapi.IsNotFound(err) {
		return
	}
	if err != nil {
		if r.kind == cfapi.HostnameCertificate && isInUse(err) {
			resp.Diagnostics.AddError("Hostname Certificate Still Bound",
				fmt.Sprintf("Hostname certificate %s cannot be deleted while hostnames are bound to it; the deletion was retried for a while "+
					"in case their removal was still finishing. Cloudflare says: %s\n\n"+
					"Remove or move those bindings first (cfaop_hostname_binding resources, or bindings made outside Terraform); "+
					"when a binding in this configuration references the certificate, Terraform orders that for you.", id, apiMessages(err)))
			return
		}
		addAPIError(&resp.Diagnostics, r.data, "Cannot Delete Certificate", fmt.Sprintf("Deleting %s %s in zone %s", r.kind, id, zoneID), err)
		return
	}
	_, err = r.data.poll.waitFor(ctx, fmt.Sprintf("%s %s to be deleted", r.kind, id), r.certificateCheck(zoneID, id, func(got cfapi.Certificate) (bool, error) {
		if got.Status == cfapi.StatusDeletionTimedOut {
			return false, fmt.Errorf("cloudflare could not delete %s %s (status deletion_timed_out); run terraform destroy again, and contact Cloudflare support if it persists", r.kind, id)
		}
		return got.Status == cfapi.StatusDeleted, nil
	}))
	if err != nil {
		resp.Diagnostics.AddError("Certificate Deletion Did Not Finish", err.Error())
	}
}

// certificateCheck is a status poll of one certificate for waitFor: done
// once it is gone, or when done says so of what Cloudflare reports.
func (r *certificateResource) certificateCheck(zoneID, id string, done func(cfapi.Certificate) (bool, error)) func(context.Context) (bool, string, error) {
	return func(ctx context.Context) (bool, string, error) {
		got, err := r.data.client.GetCertificate(ctx, r.kind, zoneID, id)
		if cfapi.IsNotFound(err) {
			return true, "gone", nil
		}
		if err != nil {
			return false, "", err
		}
		ok, err := done(got)
		return ok, got.Status, err
	}
}

// requestDeletion asks Cloudflare to delete the certificate. Cloudflare
// refuses to delete a certificate still pending deployment (1434, observed;
// a destroy right after an interrupted create meets it), so that one is
// waited for until it is active and asked again, within the delete timeout.
// A certificate already pending deletion (1414) needs no new request: the
// caller waits for the deletion to finish either way.
func (r *certificateResource) requestDeletion(ctx context.Context, zoneID, id string) error {
	start := time.Now()
	for {
		err := r.data.client.DeleteCertificate(ctx, r.kind, zoneID, id)
		switch {
		case r.kind == cfapi.HostnameCertificate && isInUse(err):
			// Removals Cloudflare accepted may not count yet.
			if r.retryInUse(ctx, zoneID, id, start, err) {
				continue
			}
			return err
		case cfapi.HasCode(err, cfapi.CodeCertificatePendingDeletion):
			tflog.Info(ctx, "Certificate is already being deleted")
			return nil
		case !cfapi.HasCode(err, cfapi.CodeCertificatePendingDeployment):
			return err
		}
		tflog.Info(ctx, "Certificate is still pending deployment; deleting it once it is active")
		_, werr := r.data.poll.waitFor(ctx, fmt.Sprintf("%s %s to finish deploying so that it can be deleted", r.kind, id),
			r.certificateCheck(zoneID, id, func(got cfapi.Certificate) (bool, error) {
				return got.Status != cfapi.StatusPendingDeployment && got.Status != cfapi.StatusInitializing, nil
			}))
		if werr != nil {
			return fmt.Errorf("%w; Cloudflare deletes a certificate only once it is deployed, and %v. "+
				"Run terraform destroy again later, or raise timeouts.delete", err, werr)
		}
	}
}

func (r *certificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	vals, ok := importValues(ctx, req, &resp.Diagnostics, r.identityFields(), splitPair,
		fmt.Sprintf("Import a %s as <zone_id>/<certificate_id>, for example: terraform import %s.this 023e105f4ecef8ad9ca31a8372d0c353/2458ce5a-0c35-4c7f-82c7-8e9487d3ff60.",
			r.kind, r.typeName()))
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), vals[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), vals[1])...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// fillCertificate copies what Cloudflare reports into the model; values the zone
// certificate endpoints do not return come from the certificate itself.
func fillCertificate(m *certificateModel, c cfapi.Certificate, info pemcert.Info) {
	m.ID = types.StringValue(c.ID)
	m.Status = types.StringValue(c.Status)
	m.Issuer = types.StringValue(firstNonEmpty(c.Issuer, info.Issuer))
	m.SerialNumber = types.StringValue(firstNonEmpty(c.SerialNumber, info.SerialNumber))
	m.Signature = types.StringValue(firstNonEmpty(c.Signature, info.SignatureAlgorithm))
	expires := info.NotAfter
	if !c.ExpiresOn.IsZero() {
		expires = c.ExpiresOn
	}
	m.ExpiresOn = types.StringValue(expires.UTC().Format(time.RFC3339))
	m.UploadedOn = types.StringValue(formatTime(c.UploadedOn))
	m.SHA256Fingerprint = types.StringValue(info.SHA256Fingerprint)
}
