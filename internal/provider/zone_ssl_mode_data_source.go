package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var _ datasource.DataSourceWithConfigure = &zoneSSLModeDataSource{}

// NewZoneSSLModeDataSource returns the cfaop_zone_ssl_mode data source.
func NewZoneSSLModeDataSource() datasource.DataSource { return &zoneSSLModeDataSource{} }

type zoneSSLModeDataSource struct {
	data *providerData
}

type zoneSSLModeModel struct {
	ID                 types.String `tfsdk:"id"`
	ZoneID             types.String `tfsdk:"zone_id"`
	Mode               types.String `tfsdk:"mode"`
	ClientCertificates types.Bool   `tfsdk:"client_certificates_presented"`
	OriginCertVerified types.Bool   `tfsdk:"origin_certificate_verified"`
}

func (d *zoneSSLModeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_zone_ssl_mode"
}

func (d *zoneSSLModeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A zone's SSL/TLS encryption mode (the zone setting `ssl`) and what it means for Authenticated Origin Pulls: " +
			"in `off` and `flexible` Cloudflare reaches the origin over plain HTTP and presents no client certificate at all. " +
			"Use it in a `check` block to keep a zone in `full` or `strict`. Needs Zone Settings Read.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The zone ID.",
				Computed:            true,
			},
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 hexadecimal characters).",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "`off`, `flexible`, `full` or `strict` (Full (strict)).",
				Computed:            true,
			},
			"client_certificates_presented": schema.BoolAttribute{
				MarkdownDescription: "Whether Cloudflare can present a client certificate to the zone's origins in this mode (`full` or `strict`).",
				Computed:            true,
			},
			"origin_certificate_verified": schema.BoolAttribute{
				MarkdownDescription: "Whether Cloudflare verifies the origin's server certificate in this mode (`strict` only).",
				Computed:            true,
			},
		},
	}
}

func (d *zoneSSLModeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(d.data, "data source cfaop_zone_ssl_mode", &resp.Diagnostics)
}

func (d *zoneSSLModeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m zoneSSLModeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID := m.ZoneID.ValueString()
	mode, err := d.data.sslModes.get(ctx, zoneID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read SSL/TLS Mode", apiErrorDetail(fmt.Sprintf("Reading the SSL/TLS mode (zone setting ssl) of zone %s", zoneID), err))
		return
	}
	m.ID = types.StringValue(zoneID)
	m.Mode = types.StringValue(mode)
	m.ClientCertificates = types.BoolValue(mode == cfapi.SSLModeFull || mode == cfapi.SSLModeStrict)
	m.OriginCertVerified = types.BoolValue(mode == cfapi.SSLModeStrict)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
