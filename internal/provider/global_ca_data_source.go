package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

var _ datasource.DataSourceWithConfigure = &globalCADataSource{}

const (
	// defaultGlobalCAURL is where Cloudflare publishes the global origin-pull CA.
	defaultGlobalCAURL = "https://developers.cloudflare.com/ssl/static/authenticated_origin_pull_ca.pem"
	// publishedGlobalCAFingerprint is the SHA-256 of the CA published at
	// defaultGlobalCAURL (CN=origin-pull.cloudflare.net, valid 2019-10-10 to 2029-11-01).
	publishedGlobalCAFingerprint = "9a1ac2b4be15f9f27eee20a734cba4e9898f61001b3bd7c84b69b56a3e25a2b9"
	globalCAFetchTimeout         = 2 * time.Minute
)

// NewGlobalCADataSource returns the cfaop_global_ca data source.
func NewGlobalCADataSource() datasource.DataSource { return &globalCADataSource{} }

type globalCADataSource struct {
	data *providerData
}

type globalCAModel struct {
	ID                types.String `tfsdk:"id"`
	URL               types.String `tfsdk:"url"`
	PEM               types.String `tfsdk:"pem"`
	SHA256Fingerprint types.String `tfsdk:"sha256_fingerprint"`
	Subject           types.String `tfsdk:"subject"`
	NotBefore         types.String `tfsdk:"not_before"`
	NotAfter          types.String `tfsdk:"not_after"`
}

func (d *globalCADataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_global_ca"
}

func (d *globalCADataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cloudflare's global Authenticated Origin Pull CA: the CA that signs the shared certificate Cloudflare presents " +
			"when `cfaop_global_setting` is on. Give `pem` to your origin (nginx `ssl_client_certificate`, Apache `SSLCACertificateFile`) " +
			"in the same plan. The certificate is downloaded, parsed and checked to be a CA; when it comes from Cloudflare's published " +
			"URL its fingerprint is compared with the one Cloudflare documents, and a difference (a rotation) produces a warning. " +
			"It needs no credentials: a provider block without any serves it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The certificate's SHA-256 fingerprint.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Where to download the CA certificate (PEM). Defaults to the provider's `global_ca_url`, else `" + defaultGlobalCAURL + "`. " +
					"Must be `https://` (plain `http://` only for 127.0.0.0/8, `::1` or `localhost`) and must not contain user info. " +
					"No API credentials are sent with the download; redirects are followed (up to 5) only to URLs that obey the same rules.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{documentURLValidator{}},
			},
			"pem": schema.StringAttribute{
				MarkdownDescription: "The CA certificate in PEM form, as downloaded.",
				Computed:            true,
			},
			"sha256_fingerprint": schema.StringAttribute{
				MarkdownDescription: "SHA-256 fingerprint of the certificate's DER, lowercase hexadecimal without separators.",
				Computed:            true,
			},
			"subject": schema.StringAttribute{
				MarkdownDescription: "The certificate's subject distinguished name, e.g. `CN=origin-pull.cloudflare.net,OU=Origin Pull,O=Cloudflare\\, Inc.,L=San Francisco,ST=California,C=US`.",
				Computed:            true,
			},
			"not_before": schema.StringAttribute{
				MarkdownDescription: "Start of the certificate's validity, RFC 3339.",
				Computed:            true,
			},
			"not_after": schema.StringAttribute{
				MarkdownDescription: "End of the certificate's validity, RFC 3339.",
				Computed:            true,
			},
		},
	}
}

func (d *globalCADataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *globalCADataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m globalCAModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	url := stringOr(m.URL, d.data.globalCAURL)
	if url == "" {
		url = defaultGlobalCAURL
	}
	// Checked again here: a url unknown at validation, or one from the
	// provider, must not reach a request or a diagnostic with user info.
	if err := cfapi.CheckDocumentURL(url); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("url"), invalidCAURLSummary, documentURLDetail("url", err))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, globalCAFetchTimeout)
	defer cancel()
	body, err := d.data.client.FetchPEM(ctx, url)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Download Origin-Pull CA",
			fmt.Sprintf("Downloading the origin-pull CA from %s failed: %s. Check the URL (the data source's url, the provider's global_ca_url or %s) "+
				"and that this machine can reach it.", url, strings.TrimSuffix(err.Error(), "."), envGlobalCAURL))
		return
	}
	cert, err := pemcert.ParseSingleCertificate(string(body))
	if err != nil {
		resp.Diagnostics.AddError("Invalid Origin-Pull CA",
			fmt.Sprintf("The document at %s is not a usable CA certificate: %s.", url, caDocumentProblem(string(body), err)))
		return
	}
	fingerprint := pemcert.SHA256Fingerprint(cert)
	if !cert.IsCA {
		resp.Diagnostics.AddError("Origin-Pull CA Is Not A CA Certificate",
			fmt.Sprintf("The certificate at %s (subject %s, SHA-256 %s) has no CA:TRUE basic constraint, so an origin cannot use it to verify "+
				"Cloudflare's client certificates. Point url at the CA certificate, not a leaf.", url, cert.Subject, fingerprint))
		return
	}
	if now := d.data.now(); now.After(cert.NotAfter) {
		resp.Diagnostics.AddError("Origin-Pull CA Expired",
			fmt.Sprintf("The CA at %s (subject %s) expired on %s. An origin that trusts only this CA refuses Cloudflare's pulls. "+
				"Download the current CA from %s.", url, cert.Subject, cert.NotAfter.UTC().Format(time.RFC3339), defaultGlobalCAURL))
		return
	}
	if url == defaultGlobalCAURL && fingerprint != publishedGlobalCAFingerprint {
		resp.Diagnostics.AddWarning("Cloudflare's Origin-Pull CA Has Changed",
			fmt.Sprintf("The CA downloaded from %s has SHA-256 fingerprint %s, but the one Cloudflare documents is %s. Cloudflare may be rotating "+
				"the CA: check Cloudflare's announcements, and make sure your origins trust the new CA before the old one is withdrawn.",
				url, fingerprint, publishedGlobalCAFingerprint))
	}
	tflog.Debug(ctx, "Fetched origin-pull CA", map[string]any{"url": url, "sha256_fingerprint": fingerprint})

	m.ID = types.StringValue(fingerprint)
	m.URL = types.StringValue(url)
	m.PEM = types.StringValue(string(body))
	m.SHA256Fingerprint = types.StringValue(fingerprint)
	m.Subject = types.StringValue(cert.Subject.String())
	m.NotBefore = types.StringValue(cert.NotBefore.UTC().Format(time.RFC3339))
	m.NotAfter = types.StringValue(cert.NotAfter.UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// caDocumentProblem says why a downloaded document is not one CA
// certificate, completing "is not a usable CA certificate: ".
func caDocumentProblem(doc string, err error) string {
	switch {
	case errors.Is(err, pemcert.ErrNotPEM) && strings.TrimSpace(doc) == "":
		return "it is empty"
	case errors.Is(err, pemcert.ErrNotPEM):
		return "it contains no PEM CERTIFICATE block"
	case errors.Is(err, pemcert.ErrMultipleCertificates):
		return "it contains several certificates where exactly one CA certificate is expected"
	}
	return err.Error()
}
