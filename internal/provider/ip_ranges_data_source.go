package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var _ datasource.DataSourceWithConfigure = &ipRangesDataSource{}

// NewIPRangesDataSource returns the cfaop_ip_ranges data source.
func NewIPRangesDataSource() datasource.DataSource { return &ipRangesDataSource{} }

type ipRangesDataSource struct {
	data *providerData
}

type ipRangesModel struct {
	ID        types.String `tfsdk:"id"`
	IPv4CIDRs types.List   `tfsdk:"ipv4_cidrs"`
	IPv6CIDRs types.List   `tfsdk:"ipv6_cidrs"`
	CIDRs     types.List   `tfsdk:"cidrs"`
	Etag      types.String `tfsdk:"etag"`
}

func (d *ipRangesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ip_ranges"
}

func (d *ipRangesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The IP ranges Cloudflare's edge connects to origins from (`GET /client/v4/ips`, the lists published at " +
			"<https://www.cloudflare.com/ips/>). Use them as a second layer behind Authenticated Origin Pulls: an origin that " +
			"accepts connections only from these ranges (nginx `allow`, Apache `Require ip`, a firewall) refuses direct traffic even " +
			"before the TLS handshake. It needs no credentials: the provider sends none with this request and works without any, so an origin-side configuration holds no Cloudflare token. Every entry is checked to be a CIDR of its family, " +
			"so the lists are safe to render into server configuration.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The `etag` of the lists.",
				Computed:            true,
			},
			"ipv4_cidrs": schema.ListAttribute{
				MarkdownDescription: "Cloudflare's IPv4 ranges in CIDR notation, e.g. `173.245.48.0/20`, in the order Cloudflare lists them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"ipv6_cidrs": schema.ListAttribute{
				MarkdownDescription: "Cloudflare's IPv6 ranges in CIDR notation, e.g. `2400:cb00::/32`, in the order Cloudflare lists them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"cidrs": schema.ListAttribute{
				MarkdownDescription: "`ipv4_cidrs` followed by `ipv6_cidrs`: the whole allow list, as the origin modules and functions take it.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"etag": schema.StringAttribute{
				MarkdownDescription: "Cloudflare's digest of the lists; it changes when the ranges do, so an output or a `check` on it tells you " +
					"when an allow list needs rolling out again.",
				Computed: true,
			},
		},
	}
}

func (d *ipRangesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *ipRangesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	r, err := d.data.client.GetIPRanges(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read Cloudflare's IP Ranges", apiErrorDetail("Reading Cloudflare's IP ranges (GET /ips)", err))
		return
	}
	tflog.Debug(ctx, "Read Cloudflare's IP ranges", map[string]any{"etag": r.Etag, "ipv4": len(r.IPv4CIDRs), "ipv6": len(r.IPv6CIDRs)})
	m := ipRangesModel{ID: types.StringValue(r.Etag), Etag: types.StringValue(r.Etag)}
	var diags diag.Diagnostics
	m.IPv4CIDRs, diags = types.ListValueFrom(ctx, types.StringType, r.IPv4CIDRs)
	resp.Diagnostics.Append(diags...)
	m.IPv6CIDRs, diags = types.ListValueFrom(ctx, types.StringType, r.IPv6CIDRs)
	resp.Diagnostics.Append(diags...)
	m.CIDRs, diags = types.ListValueFrom(ctx, types.StringType, append(append([]string{}, r.IPv4CIDRs...), r.IPv6CIDRs...))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
