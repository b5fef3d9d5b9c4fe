package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// The cfaop_zone_certificate and cfaop_hostname_certificate data sources
// read one certificate of either kind; this file holds their shared
// implementation. The certificate item (model, schema, mapper) is shared
// with the list data sources in certificates_data_source.go.

var _ datasource.DataSourceWithConfigure = &certificateDataSource{}

// NewZoneCertificateDataSource returns the cfaop_zone_certificate data source.
func NewZoneCertificateDataSource() datasource.DataSource {
	return &certificateDataSource{
		kind:       cfapi.ZoneCertificate,
		typeSuffix: "zone_certificate",
		description: "Reads one **zone-level** client certificate (`/zones/{zone_id}/origin_tls_client_auth/{id}`) by ID, " +
			"whether or not Terraform uploaded it: its PEM, fingerprint and expiry, e.g. to give to an origin or to check " +
			"`expires_in_days`. A certificate that is deleted or being deleted is an error, like a missing one.",
	}
}

// NewHostnameCertificateDataSource returns the cfaop_hostname_certificate data source.
func NewHostnameCertificateDataSource() datasource.DataSource {
	return &certificateDataSource{
		kind:       cfapi.HostnameCertificate,
		typeSuffix: "hostname_certificate",
		description: "Reads one **per-hostname** client certificate (`/zones/{zone_id}/origin_tls_client_auth/hostnames/certificates/{id}`) " +
			"by ID, whether or not Terraform uploaded it: its PEM, fingerprint and expiry, e.g. to give to an origin or to check " +
			"`expires_in_days`. A certificate that is deleted or being deleted is an error, like a missing one.",
	}
}

type certificateDataSource struct {
	kind        cfapi.CertificateKind
	typeSuffix  string
	description string
	data        *providerData
}

type certificateDataSourceModel struct {
	ZoneID types.String `tfsdk:"zone_id"`
	certificateItemModel
}

func (d *certificateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeSuffix
}

func (d *certificateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := certificateItemAttributes()
	attrs["zone_id"] = schema.StringAttribute{
		MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters).",
		Required:            true,
		Validators:          []validatorString{zoneIDValidator},
	}
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("ID of the %s, as Cloudflare assigned it (see `cfaop_%ss`).", d.kind, d.typeSuffix),
		Required:            true,
		Validators:          []validatorString{certificateIDValidator},
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *certificateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(d.data, "data source cfaop_"+d.typeSuffix, &resp.Diagnostics)
}

func (d *certificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m certificateDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, id := m.ZoneID.ValueString(), m.ID.ValueString()
	ctx = tflog.SetField(ctx, "zone_id", zoneID)
	ctx = tflog.SetField(ctx, "certificate_id", id)

	got, err := d.data.client.GetCertificate(ctx, d.kind, zoneID, id)
	switch {
	case cfapi.IsNotFound(err):
		d.addNotFoundError(&resp.Diagnostics, zoneID, id, "", err)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, d.data, "Cannot Read Certificate", fmt.Sprintf("Reading %s %s in zone %s", d.kind, id, zoneID), err)
		return
	case isDeletedStatus(got.Status):
		d.addNotFoundError(&resp.Diagnostics, zoneID, id, got.Status, nil)
		return
	}
	item, err := newCertificateItem(got, d.data.now())
	if err != nil {
		addUnreadableCertificateError(&resp.Diagnostics, d.kind, zoneID, id, err)
		return
	}
	m.certificateItemModel = item
	tflog.Debug(ctx, "Read certificate", map[string]any{"status": got.Status})
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// addNotFoundError reports a certificate that is missing (err from
// Cloudflare) or deleted (status).
func (d *certificateDataSource) addNotFoundError(diags *diag.Diagnostics, zoneID, id, status string, err error) {
	other := cfapi.HostnameCertificate
	if d.kind == cfapi.HostnameCertificate {
		other = cfapi.ZoneCertificate
	}
	detail := fmt.Sprintf("Zone %s has no %s with ID %s", zoneID, d.kind, id)
	if status != "" {
		detail += fmt.Sprintf(": it has been deleted (status %s)", status)
	}
	detail += fmt.Sprintf(". Check the ID (cfaop_%ss lists the zone's certificates) and that zone_id is the zone it was uploaded to; "+
		"a %s is read with a different data source.", d.typeSuffix, other)
	if err != nil {
		detail += " Cloudflare said: " + apiCodes(err) + "."
	}
	diags.AddAttributeError(path.Root("id"), "Certificate Not Found", detail)
}
