package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

var _ datasource.DataSourceWithConfigure = &hostnameBindingDataSource{}

// NewHostnameBindingDataSource reads one hostname's association.
func NewHostnameBindingDataSource() datasource.DataSource { return &hostnameBindingDataSource{} }

type hostnameBindingDataSource struct {
	data *providerData
}

type hostnameBindingDataModel struct {
	ZoneID   types.String `tfsdk:"zone_id"`
	Hostname types.String `tfsdk:"hostname"`
	bindingValues
}

func (d *hostnameBindingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hostname_binding"
}

func (d *hostnameBindingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One hostname's per-hostname Authenticated Origin Pulls association and its status " +
			"(`GET /zones/{zone_id}/origin_tls_client_auth/hostnames/{hostname}`), for audits and for modules that need to know " +
			"which certificate Cloudflare presents for a hostname. A hostname without an association is an error.",
		Attributes: map[string]schema.Attribute{
			"id":                 schema.StringAttribute{MarkdownDescription: "`<zone_id>/<hostname>`.", Computed: true},
			"zone_id":            schema.StringAttribute{MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters).", Required: true, Validators: []validatorString{zoneIDValidator}},
			"hostname":           schema.StringAttribute{MarkdownDescription: "The hostname, lowercase and fully qualified.", Required: true, Validators: []validatorString{hostnameValidator{}}},
			"certificate_id":     schema.StringAttribute{MarkdownDescription: "ID of the bound hostname certificate.", Computed: true},
			"enabled":            schema.BoolAttribute{MarkdownDescription: "Whether the association is enabled.", Computed: true},
			"status":             schema.StringAttribute{MarkdownDescription: "Deployment status of the association.", Computed: true},
			"certificate_status": schema.StringAttribute{MarkdownDescription: "Status of the bound certificate.", Computed: true},
			"expires_on":         schema.StringAttribute{MarkdownDescription: "When the bound certificate expires, RFC 3339.", Computed: true},
			"created_at":         schema.StringAttribute{MarkdownDescription: "When the association was created, RFC 3339.", Computed: true},
			"updated_at":         schema.StringAttribute{MarkdownDescription: "When the association last changed, RFC 3339.", Computed: true},
		},
	}
}

func (d *hostnameBindingDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(d.data, "data source cfaop_hostname_binding", &resp.Diagnostics)
}

func (d *hostnameBindingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m hostnameBindingDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, hostname := m.ZoneID.ValueString(), m.Hostname.ValueString()
	b, err := d.data.client.GetBinding(ctx, zoneID, hostname)
	if cfapi.IsNotFound(err) {
		resp.Diagnostics.AddError("No Association For Hostname",
			fmt.Sprintf("Hostname %s has no per-hostname Authenticated Origin Pulls association in zone %s, so Cloudflare presents the zone-level "+
				"or global certificate for it, if those are enabled. Bind it with cfaop_hostname_binding.", hostname, zoneID))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, d.data, "Cannot Read Hostname Binding", fmt.Sprintf("Reading the association of %s in zone %s", hostname, zoneID), err)
		return
	}
	m.set(zoneID, hostname, b)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
