package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

var _ resource.ResourceWithMoveState = &certificateResource{}

// cloudflareCertificateSource is the part of the official provider's
// certificate state that is moved. cloudflare_authenticated_origin_pulls_certificate
// (zone level) and cloudflare_authenticated_origin_pulls_hostname_certificate
// share these attributes; serial_number exists only on the second, type only
// in the v4 certificate resource, which held both kinds.
type cloudflareCertificateSource struct {
	ID           types.String `tfsdk:"id"`
	ZoneID       types.String `tfsdk:"zone_id"`
	Certificate  types.String `tfsdk:"certificate"`
	PrivateKey   types.String `tfsdk:"private_key"`
	Status       types.String `tfsdk:"status"`
	Issuer       types.String `tfsdk:"issuer"`
	Signature    types.String `tfsdk:"signature"`
	SerialNumber types.String `tfsdk:"serial_number"`
	ExpiresOn    types.String `tfsdk:"expires_on"`
	UploadedOn   types.String `tfsdk:"uploaded_on"`
	Type         types.String `tfsdk:"type"`
}

func cloudflareCertificateSourceSchema() *schema.Schema {
	attrs := map[string]schema.Attribute{}
	for _, name := range []string{"id", "zone_id", "certificate", "status", "issuer", "signature", "serial_number", "expires_on", "uploaded_on", "type"} {
		attrs[name] = schema.StringAttribute{Optional: true}
	}
	attrs["private_key"] = schema.StringAttribute{Optional: true, Sensitive: true}
	return &schema.Schema{Attributes: attrs}
}

// MoveState accepts `moved` blocks from the official provider's certificate
// resource of the same kind: v5's cloudflare_authenticated_origin_pulls_certificate
// for zone certificates and cloudflare_authenticated_origin_pulls_hostname_certificate
// for hostname certificates, plus v4's cloudflare_authenticated_origin_pulls_certificate
// with type = "per-hostname" for hostname certificates.
func (r *certificateResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{
		SourceSchema: cloudflareCertificateSourceSchema(),
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if !moveFromCloudflare(req, cloudflareZoneCertificateType) && !moveFromCloudflare(req, cloudflareHostnameCertificateType) {
				return
			}
			r.moveFromCloudflare(ctx, req, resp)
		},
	}}
}

func (r *certificateResource) moveFromCloudflare(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	var src cloudflareCertificateSource
	resp.Diagnostics.Append(moveSourceState(ctx, req, r.typeName(), &src)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sourceIsHostname := req.SourceTypeName == cloudflareHostnameCertificateType || stringOr(src.Type, "") == "per-hostname"
	if sourceIsHostname != (r.kind == cfapi.HostnameCertificate) {
		want, got := "cfaop_zone_certificate", "zone-level"
		if sourceIsHostname {
			want, got = "cfaop_hostname_certificate", "per-hostname"
		}
		resp.Diagnostics.AddError("Certificate Moved To The Wrong Kind",
			fmt.Sprintf("%s %s is a %s certificate, which %s cannot hold. Change the moved block's `to` to a %s resource.",
				req.SourceTypeName, stringOr(src.ID, "(no id)"), got, r.typeName(), want))
		return
	}
	moveRequire(&resp.Diagnostics, src.ID, req.SourceTypeName, "id", r.typeName())
	moveRequire(&resp.Diagnostics, src.ZoneID, req.SourceTypeName, "zone_id", r.typeName())
	moveRequire(&resp.Diagnostics, src.Certificate, req.SourceTypeName, "certificate", r.typeName())
	zoneID, id := stringOr(src.ZoneID, ""), stringOr(src.ID, "")
	moveCheckForm(&resp.Diagnostics, zoneID, cfapi.IsZoneID(zoneID), req.SourceTypeName, "zone_id", zoneIDForm, r.typeName())
	moveCheckForm(&resp.Diagnostics, id, cfapi.IsCertificateID(id), req.SourceTypeName, "id", certificateIDText, r.typeName())
	if resp.Diagnostics.HasError() {
		return
	}
	tos, diags := moveNullTimeouts(ctx, resp.TargetState)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	m := certificateModel{
		ID:                  src.ID,
		ZoneID:              src.ZoneID,
		Certificate:         certificatePEM{StringValue: src.Certificate},
		PrivateKey:          privateKeyPEM{StringValue: types.StringNull()},
		PrivateKeyWO:        types.StringNull(),
		PrivateKeyWOVersion: types.Int64Null(),
		Status:              types.StringValue(stringOr(src.Status, "")),
		Issuer:              types.StringValue(stringOr(src.Issuer, "")),
		Signature:           types.StringValue(stringOr(src.Signature, "")),
		SerialNumber:        types.StringValue(stringOr(src.SerialNumber, "")),
		ExpiresOn:           types.StringValue(moveTime(src.ExpiresOn, "")),
		UploadedOn:          types.StringValue(moveTime(src.UploadedOn, "")),
		SHA256Fingerprint:   types.StringValue(""),
		AdoptExisting:       types.BoolNull(),
		Timeouts:            tos,
	}
	// The official provider stores the key in state; keeping it means a
	// configuration that still sets private_key plans no change, and one that
	// switches to private_key_wo plans an in-place update that drops it.
	if k := stringOr(src.PrivateKey, ""); k != "" {
		m.PrivateKey = privateKeyPEM{StringValue: types.StringValue(k)}
	}
	// What the certificate itself says fills the gaps (the zone-level
	// resource has no serial_number, and only this provider has the fingerprint).
	if cert, err := pemcert.ParseLeaf(src.Certificate.ValueString()); err == nil {
		info := pemcert.Describe(cert)
		m.Issuer = types.StringValue(firstNonEmpty(m.Issuer.ValueString(), info.Issuer))
		m.Signature = types.StringValue(firstNonEmpty(m.Signature.ValueString(), info.SignatureAlgorithm))
		m.SerialNumber = types.StringValue(firstNonEmpty(m.SerialNumber.ValueString(), info.SerialNumber))
		m.ExpiresOn = types.StringValue(firstNonEmpty(m.ExpiresOn.ValueString(), info.NotAfter.UTC().Format(time.RFC3339)))
		m.SHA256Fingerprint = types.StringValue(info.SHA256Fingerprint)
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetState, resp.TargetIdentity)...)
}
