package provider

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// cfaop_zone_certificates and cfaop_hostname_certificates list the same
// object at two endpoints; this file holds their shared implementation and
// the certificate item (model, schema, mapper) that the singular
// cfaop_zone_certificate and cfaop_hostname_certificate data sources reuse.

var _ datasource.DataSourceWithConfigure = &certificatesDataSource{}

// certificateStatuses are the statuses Cloudflare reports for an uploaded certificate.
var certificateStatuses = []string{
	cfapi.StatusInitializing, cfapi.StatusPendingDeployment, cfapi.StatusActive, cfapi.StatusPendingDeletion,
	cfapi.StatusDeleted, cfapi.StatusDeploymentTimedOut, cfapi.StatusDeletionTimedOut,
}

// NewZoneCertificatesDataSource returns the cfaop_zone_certificates data source.
func NewZoneCertificatesDataSource() datasource.DataSource {
	return &certificatesDataSource{
		kind:       cfapi.ZoneCertificate,
		typeSuffix: "zone_certificates",
		description: "Lists a zone's **zone-level** client certificates (`/zones/{zone_id}/origin_tls_client_auth`), " +
			"whether or not Terraform uploaded them: for passing certificates between modules and for expiry audits " +
			"(`expires_in_days`). Certificates are sorted by upload time, then ID; deleted ones are left out unless " +
			"`include_deleted` is true.",
	}
}

// NewHostnameCertificatesDataSource returns the cfaop_hostname_certificates data source.
func NewHostnameCertificatesDataSource() datasource.DataSource {
	return &certificatesDataSource{
		kind:       cfapi.HostnameCertificate,
		typeSuffix: "hostname_certificates",
		description: "Lists a zone's **per-hostname** client certificates (`/zones/{zone_id}/origin_tls_client_auth/hostnames/certificates`), " +
			"whether or not Terraform uploaded them: for passing certificates between modules and for expiry audits " +
			"(`expires_in_days`). Certificates are sorted by upload time, then ID; deleted ones are left out unless " +
			"`include_deleted` is true.",
	}
}

type certificatesDataSource struct {
	kind        cfapi.CertificateKind
	typeSuffix  string
	description string
	data        *providerData
}

type certificatesDataSourceModel struct {
	ZoneID         types.String           `tfsdk:"zone_id"`
	Status         types.String           `tfsdk:"status"`
	IncludeDeleted types.Bool             `tfsdk:"include_deleted"`
	Certificates   []certificateItemModel `tfsdk:"certificates"`
}

// certificateItemModel is one uploaded certificate as the certificate data
// sources report it.
type certificateItemModel struct {
	ID                types.String `tfsdk:"id"`
	Status            types.String `tfsdk:"status"`
	Issuer            types.String `tfsdk:"issuer"`
	SerialNumber      types.String `tfsdk:"serial_number"`
	Signature         types.String `tfsdk:"signature"`
	ExpiresOn         types.String `tfsdk:"expires_on"`
	ExpiresInDays     types.Int64  `tfsdk:"expires_in_days"`
	UploadedOn        types.String `tfsdk:"uploaded_on"`
	SHA256Fingerprint types.String `tfsdk:"sha256_fingerprint"`
	Certificate       types.String `tfsdk:"certificate"`
}

// certificateItemAttributes is the schema of certificateItemModel, all computed.
func certificateItemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "Certificate ID assigned by Cloudflare.",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Cloudflare's deployment status: `initializing`, `pending_deployment`, `active`, `pending_deletion`, `deleted`, " +
				"`deployment_timed_out` or `deletion_timed_out`.",
			Computed: true,
		},
		"issuer": schema.StringAttribute{
			MarkdownDescription: "The certificate's issuer as Cloudflare reports it.",
			Computed:            true,
		},
		"serial_number": schema.StringAttribute{
			MarkdownDescription: "The certificate's serial number, in decimal.",
			Computed:            true,
		},
		"signature": schema.StringAttribute{
			MarkdownDescription: "The certificate's signature algorithm, e.g. `SHA256WithRSA` or `ECDSAWithSHA256`.",
			Computed:            true,
		},
		"expires_on": schema.StringAttribute{
			MarkdownDescription: "When the certificate expires, RFC 3339.",
			Computed:            true,
		},
		"expires_in_days": schema.Int64Attribute{
			MarkdownDescription: "Whole days from the time of reading until `expires_on`, rounded down: 0 on the last day, negative once expired. " +
				"For expiry checks, e.g. a `check` block or a precondition requiring at least 30.",
			Computed: true,
		},
		"uploaded_on": schema.StringAttribute{
			MarkdownDescription: "When the certificate was uploaded, RFC 3339.",
			Computed:            true,
		},
		"sha256_fingerprint": schema.StringAttribute{
			MarkdownDescription: "SHA-256 fingerprint of the certificate's DER, lowercase hexadecimal without separators.",
			Computed:            true,
		},
		"certificate": schema.StringAttribute{
			MarkdownDescription: "The certificate in PEM form, as Cloudflare returns it.",
			Computed:            true,
		},
	}
}

// newCertificateItem maps a certificate from Cloudflare to the item model.
// It reuses the certificate resources' mapper, so the resources and the data
// sources fill in missing API fields from the certificate in the same way.
func newCertificateItem(c cfapi.Certificate, now time.Time) (certificateItemModel, error) {
	cert, err := pemcert.ParseLeaf(c.Certificate)
	if err != nil {
		return certificateItemModel{}, err
	}
	var m certificateModel
	fillCertificate(&m, c, pemcert.Describe(cert))
	expires, err := time.Parse(time.RFC3339, m.ExpiresOn.ValueString())
	if err != nil {
		return certificateItemModel{}, fmt.Errorf("its expiry %q is not an RFC 3339 time", m.ExpiresOn.ValueString())
	}
	return certificateItemModel{
		ID:                m.ID,
		Status:            m.Status,
		Issuer:            m.Issuer,
		SerialNumber:      m.SerialNumber,
		Signature:         m.Signature,
		ExpiresOn:         m.ExpiresOn,
		ExpiresInDays:     types.Int64Value(daysUntil(expires, now)),
		UploadedOn:        m.UploadedOn,
		SHA256Fingerprint: m.SHA256Fingerprint,
		Certificate:       types.StringValue(c.Certificate),
	}, nil
}

// daysUntil counts whole days from now to t, rounding down, so it is
// negative exactly when t has passed.
func daysUntil(t, now time.Time) int64 {
	return int64(math.Floor(t.Sub(now).Hours() / 24))
}

// sortCertificates orders certificates by upload time, then ID, so the list
// is stable whatever order Cloudflare answers in.
func sortCertificates(certs []cfapi.Certificate) {
	sort.Slice(certs, func(i, j int) bool {
		if !certs[i].UploadedOn.Equal(certs[j].UploadedOn) {
			return certs[i].UploadedOn.Before(certs[j].UploadedOn)
		}
		return certs[i].ID < certs[j].ID
	})
}

func (d *certificatesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeSuffix
}

func (d *certificatesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.description,
		Attributes: map[string]schema.Attribute{
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the zone (32 lower-case hexadecimal characters).",
				Required:            true,
				Validators:          []validatorString{zoneIDValidator},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list certificates with this status, e.g. `active`. One of `" + strings.Join(certificateStatuses, "`, `") + "`. " +
					"`deleted` and `pending_deletion` list deleted certificates without `include_deleted`.",
				Optional:   true,
				Validators: []validatorString{stringvalidator.OneOf(certificateStatuses...)},
			},
			"include_deleted": schema.BoolAttribute{
				MarkdownDescription: "Also list certificates that are `deleted` or `pending_deletion`. Defaults to false.",
				Optional:            true,
			},
			"certificates": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The zone's %ss, oldest upload first (ties by ID).", d.kind),
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: certificateItemAttributes()},
			},
		},
	}
}

func (d *certificatesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
	requireCredentials(d.data, "data source cfaop_"+d.typeSuffix, &resp.Diagnostics)
}

func (d *certificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m certificatesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	zoneID, status := m.ZoneID.ValueString(), m.Status.ValueString()
	includeDeleted := m.IncludeDeleted.ValueBool() || isDeletedStatus(status)
	ctx = tflog.SetField(ctx, "zone_id", zoneID)

	certs, err := d.data.client.ListCertificates(ctx, d.kind, zoneID)
	if err != nil {
		addAPIError(&resp.Diagnostics, d.data, "Cannot List Certificates", fmt.Sprintf("Listing the %ss of zone %s", d.kind, zoneID), err)
		return
	}
	sortCertificates(certs)
	now := d.data.now()
	m.Certificates = []certificateItemModel{}
	for _, c := range certs {
		if (status != "" && c.Status != status) || (!includeDeleted && isDeletedStatus(c.Status)) {
			continue
		}
		item, err := newCertificateItem(c, now)
		if err != nil {
			addUnreadableCertificateError(&resp.Diagnostics, d.kind, zoneID, c.ID, err)
			return
		}
		m.Certificates = append(m.Certificates, item)
	}
	tflog.Debug(ctx, "Listed certificates", map[string]any{"kind": d.kind.String(), "listed": len(certs), "kept": len(m.Certificates), "status": status})
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
