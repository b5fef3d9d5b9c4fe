package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/originprobe"
)

var _ datasource.DataSource = &originProbeDataSource{}

// NewOriginProbeDataSource returns the cfaop_origin_probe data source.
func NewOriginProbeDataSource() datasource.DataSource { return &originProbeDataSource{} }

// originProbeDataSource needs no API client: it talks to the origin only.
type originProbeDataSource struct{}

type originProbeModel struct {
	ID                              types.String `tfsdk:"id"`
	Address                         types.String `tfsdk:"address"`
	Hostname                        types.String `tfsdk:"hostname"`
	Path                            types.String `tfsdk:"path"`
	CACertificates                  types.String `tfsdk:"ca_certificates"`
	Timeout                         types.String `tfsdk:"timeout"`
	Reachable                       types.Bool   `tfsdk:"reachable"`
	ClientCertificateRequested      types.Bool   `tfsdk:"client_certificate_requested"`
	AcceptsWithoutClientCertificate types.Bool   `tfsdk:"accepts_without_client_certificate"`
	HTTPStatus                      types.Int64  `tfsdk:"http_status"`
	Error                           types.String `tfsdk:"error"`
	ServerCertificateSubject        types.String `tfsdk:"server_certificate_subject"`
	ServerCertificateSHA256         types.String `tfsdk:"server_certificate_sha256"`
	ServerCertificateNotAfter       types.String `tfsdk:"server_certificate_not_after"`
	ServerCertificateValid          types.Bool   `tfsdk:"server_certificate_valid"`
	ServerCertificateError          types.String `tfsdk:"server_certificate_error"`
}

func (d *originProbeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_origin_probe"
}

func (d *originProbeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Tests a real origin the way an attacker who found its address would: an HTTPS request straight to `address` " +
			"with `hostname` as SNI and `Host` header (like `curl --resolve`), presenting **no** client certificate. Meant for a `check` " +
			"block, so that every plan and apply (and HCP Terraform's continuous validation) proves that the origin still refuses " +
			"traffic that does not come through Cloudflare. A probe that fails (refused, timed out, TLS alert) is a result, not an error: " +
			"read `error`. Run it from outside the origin's network and from an address that is not in its allow list, or it tests " +
			"a path attackers do not have. It makes no Cloudflare API request.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<hostname>@<address>`.",
				Computed:            true,
			},
			"address": schema.StringAttribute{
				MarkdownDescription: "Where to connect: `host:port` of the origin itself, not the Cloudflare-proxied name, e.g. `203.0.113.10:443` or `[2001:db8::10]:443`.",
				Required:            true,
				Validators:          []validator.String{originAddressValidator{}},
			},
			"hostname": schema.StringAttribute{
				MarkdownDescription: "The site's hostname, sent as SNI and `Host` header, e.g. `app.example.com`.",
				Required:            true,
				Validators:          []validator.String{hostnameValidator{}},
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Request path, starting with `/`. Defaults to `/`.",
				Optional:            true,
			},
			"ca_certificates": schema.StringAttribute{
				MarkdownDescription: "PEM bundle of CAs to check the origin's server certificate against (e.g. Cloudflare's Origin CA root); " +
					"defaults to the system's roots. Only `server_certificate_valid` depends on it.",
				Optional: true,
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest the probe may take, as a Go duration up to `%s`. Defaults to `%s`.", originprobe.MaxTimeout, originprobe.DefaultTimeout),
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
			},
			"reachable": schema.BoolAttribute{
				MarkdownDescription: "Whether a TCP connection to `address` was established. `false` is the best outcome: a firewall (for example one built from `cfaop_ip_ranges`) drops direct traffic.",
				Computed:            true,
			},
			"client_certificate_requested": schema.BoolAttribute{
				MarkdownDescription: "Whether the origin asked for a client certificate in the TLS handshake (nginx `ssl_verify_client`, Apache `SSLVerifyClient`).",
				Computed:            true,
			},
			"accepts_without_client_certificate": schema.BoolAttribute{
				MarkdownDescription: "Whether the origin served the request without a client certificate: an HTTP answer came back that is not a refusal " +
					"(400, which nginx answers to a missing required certificate, 403, 495 and 496 count as refusals). `true` means anyone who finds " +
					"the address bypasses Cloudflare; assert it is `false`.",
				Computed: true,
			},
			"http_status": schema.Int64Attribute{
				MarkdownDescription: "The origin's HTTP status, `0` when no HTTP answer came back (refused in the handshake, unreachable).",
				Computed:            true,
			},
			"error": schema.StringAttribute{
				MarkdownDescription: "What stopped the request, e.g. `TLS handshake: remote error: tls: certificate required`; empty when an HTTP answer came back.",
				Computed:            true,
			},
			"server_certificate_subject": schema.StringAttribute{
				MarkdownDescription: "Subject of the origin's server certificate, empty when the handshake did not get that far.",
				Computed:            true,
			},
			"server_certificate_sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 fingerprint of the origin's server certificate (DER), lowercase hexadecimal.",
				Computed:            true,
			},
			"server_certificate_not_after": schema.StringAttribute{
				MarkdownDescription: "End of the server certificate's validity, RFC 3339.",
				Computed:            true,
			},
			"server_certificate_valid": schema.BoolAttribute{
				MarkdownDescription: "Whether the server certificate chains to `ca_certificates` (or the system's roots) and is valid for `hostname` now: what SSL/TLS mode Full (strict) needs.",
				Computed:            true,
			},
			"server_certificate_error": schema.StringAttribute{
				MarkdownDescription: "Why the server certificate is not valid, empty when it is.",
				Computed:            true,
			},
		},
	}
}

func (d *originProbeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m originProbeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := originprobe.Options{Address: m.Address.ValueString(), Hostname: m.Hostname.ValueString(), Path: m.Path.ValueString()}
	if opts.Path != "" && (!strings.HasPrefix(opts.Path, "/") || strings.ContainsAny(opts.Path, " \r\n#")) {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Invalid Path",
			fmt.Sprintf("path must start with / and contain no spaces, line breaks or #, e.g. /health; got %q.", opts.Path))
		return
	}
	if s := m.Timeout.ValueString(); s != "" {
		t, _ := time.ParseDuration(s) // the validator checked it
		if t > originprobe.MaxTimeout {
			resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Timeout Too Long",
				fmt.Sprintf("timeout may be at most %s, so that a plan does not hang on a silent origin; got %s.", originprobe.MaxTimeout, s))
			return
		}
		opts.Timeout = t
	}
	if pemText := m.CACertificates.ValueString(); pemText != "" {
		opts.Roots = x509.NewCertPool()
		if !opts.Roots.AppendCertsFromPEM([]byte(pemText)) {
			resp.Diagnostics.AddAttributeError(path.Root("ca_certificates"), "Invalid CA Certificates",
				"ca_certificates holds no PEM CERTIFICATE block. Give the CA certificates in PEM form, e.g. file(\"origin-ca.pem\"), or leave it out to use the system's roots.")
			return
		}
	}
	res := originprobe.Run(ctx, opts)
	tflog.Debug(ctx, "Probed origin", map[string]any{"hostname": opts.Hostname, "address": opts.Address,
		"reachable": res.Reachable, "client_certificate_requested": res.ClientCertificateRequested, "http_status": res.HTTPStatus, "error": res.Error})

	m.ID = types.StringValue(opts.Hostname + "@" + opts.Address)
	m.Reachable = types.BoolValue(res.Reachable)
	m.ClientCertificateRequested = types.BoolValue(res.ClientCertificateRequested)
	m.AcceptsWithoutClientCertificate = types.BoolValue(res.AcceptsWithoutClientCertificate)
	m.HTTPStatus = types.Int64Value(int64(res.HTTPStatus))
	m.Error = types.StringValue(res.Error)
	m.ServerCertificateSubject, m.ServerCertificateSHA256, m.ServerCertificateNotAfter = types.StringValue(""), types.StringValue(res.ServerCertificateSHA256), types.StringValue("")
	if c := res.ServerCertificate; c != nil {
		m.ServerCertificateSubject = types.StringValue(c.Subject.String())
		m.ServerCertificateNotAfter = types.StringValue(c.NotAfter.UTC().Format(time.RFC3339))
	}
	m.ServerCertificateValid = types.BoolValue(res.ServerCertificateValid)
	m.ServerCertificateError = types.StringValue(res.ServerCertificateError)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// originAddressValidator accepts host:port with a port from 1 to 65535.
type originAddressValidator struct{}

func (originAddressValidator) Description(context.Context) string {
	return "must be host:port, e.g. 203.0.113.10:443 or [2001:db8::10]:443"
}

func (v originAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (originAddressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := originAddressProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Origin Address", fmt.Sprintf("%s %s", req.Path, problem))
	}
}

func originAddressProblem(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Sprintf("must be host:port (an IPv6 address in brackets), e.g. 203.0.113.10:443; got %q.", addr)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Sprintf("must end in a port from 1 to 65535, e.g. :443; got %q.", addr)
	}
	return ""
}
