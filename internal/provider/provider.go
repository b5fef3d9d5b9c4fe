// Package provider implements the cfaop Terraform provider: Cloudflare
// Authenticated Origin Pulls at the global, zone and hostname levels.
package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/coalesce"
	"github.com/cfaop/terraform-provider-cfaop/internal/uploadjournal"
)

var (
	_ provider.Provider              = &cfaopProvider{}
	_ provider.ProviderWithFunctions = &cfaopProvider{}
)

// Environment variables beyond Cloudflare's own.
const (
	envGlobalCAURL = "CFAOP_GLOBAL_CA_URL"
	envMaxRetries  = "CFAOP_MAX_RETRIES"
	envMaxBackoff  = "CFAOP_MAX_BACKOFF"
)

const (
	defaultMaxRetries        = 4
	defaultMaxBackoff        = 30 * time.Second
	defaultExpiryWarningDays = 30
	// The first wait after a failed request, the client's retries' and the
	// upload check's alike; later waits double.
	defaultRetryPause = cfapi.DefaultMinBackoff
	// Binding writes that arrive within this window of each other go out as
	// one request. Wide enough for a wave of writes from a busy machine
	// (a CI runner), where Terraform starts the next resources unevenly.
	bindingBatchWindow = 500 * time.Millisecond
	bindingBatchMax    = 50
)

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	poll := linkedPollSchedule()
	return func() provider.Provider { return &cfaopProvider{version: version, poll: poll} }
}

type cfaopProvider struct {
	version string
	// journalDir holds the upload journal; empty means TF_DATA_DIR or
	// .terraform in the working directory (tests set it).
	journalDir string
	// poll is the status poll schedule; zero is the users' default (tests
	// shorten it).
	poll pollSchedule
	// clock is the time the provider checks certificates against; nil is
	// time.Now (tests set it).
	clock func() time.Time
	// retryPause is the first wait after a failed request; zero is
	// defaultRetryPause (tests against the emulator shorten it).
	retryPause time.Duration
}

type providerModel struct {
	APIToken          types.String `tfsdk:"api_token"`
	APIKey            types.String `tfsdk:"api_key"`
	Email             types.String `tfsdk:"email"`
	BaseURL           types.String `tfsdk:"base_url"`
	GlobalCAURL       types.String `tfsdk:"global_ca_url"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	MaxBackoff        types.String `tfsdk:"max_backoff"`
	ExpiryWarningDays types.Int64  `tfsdk:"certificate_expiry_warning_days"`
}

func (p *cfaopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cfaop"
	resp.Version = p.version
}

func (p *cfaopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Cloudflare Authenticated Origin Pulls (mutual TLS from Cloudflare to your origin) " +
			"at the global, zone and hostname levels. Authenticate with an API token (`api_token` or `" + cfapi.EnvAPIToken +
			"`) or with a global API key and email.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Cloudflare API token with the Zone SSL and Certificates Edit and Zone Settings Edit permissions. " +
					"Falls back to `" + cfapi.EnvAPIToken + "`. Takes precedence over `api_key` and `email`. Checked before any request: " +
					"whitespace (use `trimspace(file(...))`), a `Bearer ` prefix, or anything but 40 to 255 characters of letters, digits, `_` and `-` is an error.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validatorString{credentialValidator{kind: credToken, attribute: "api_token"}},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Cloudflare global API key, used together with `email` when no token is set. Falls back to `" + cfapi.EnvAPIKey + "`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validatorString{credentialValidator{kind: credKey, attribute: "api_key"}},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the account that owns `api_key`. Falls back to `" + cfapi.EnvEmail + "`.",
				Optional:            true,
				Validators:          []validatorString{credentialValidator{kind: credEmail, attribute: "email"}},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Cloudflare API base URL, with or without the `/client/v4` suffix. Falls back to `" + cfapi.EnvBaseURL +
					"`; defaults to `" + cfapi.DefaultBaseURL + "`. Must be `https://`; plain `http://` is accepted only for a loopback host " +
					"(127.0.0.0/8, `::1`, `localhost`), such as the bundled emulator, which lets you work without an account.",
				Optional: true,
			},
			"global_ca_url": schema.StringAttribute{
				MarkdownDescription: "Where `cfaop_global_ca` downloads Cloudflare's origin-pull CA unless the data source sets `url`. " +
					"Falls back to `" + envGlobalCAURL + "`; defaults to `" + defaultGlobalCAURL + "`. Set it for a mirror or the emulator. " +
					"Must be `https://` (plain `http://` only for 127.0.0.0/8, `::1` or `localhost`) and must not contain user info.",
				Optional:   true,
				Validators: []validatorString{documentURLValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a request is repeated after a connection error, a response cut off in transit, HTTP 429 or 5xx (a certificate upload is only repeated when it provably was not applied). Falls back to `%s`; defaults to %d.", envMaxRetries, defaultMaxRetries),
				Optional:            true,
				Validators:          []validatorInt64{int64validator.Between(0, 20)},
			},
			"max_backoff": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest single wait between retries, as a Go duration such as `30s`; also caps a server's `Retry-After`. Falls back to `%s`; defaults to `%s`.", envMaxBackoff, defaultMaxBackoff),
				Optional:            true,
				Validators:          []validatorString{durationValidator{}},
			},
			"certificate_expiry_warning_days": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Plans warn when a configured certificate expires within this many days. 0 turns the warning off. Defaults to %d.", defaultExpiryWarningDays),
				Optional:            true,
				Validators:          []validatorInt64{int64validator.Between(0, 3650)},
			},
		},
	}
}

func (p *cfaopProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"api_token": cfg.APIToken, "api_key": cfg.APIKey, "email": cfg.Email, "base_url": cfg.BaseURL,
		"global_ca_url": cfg.GlobalCAURL, "max_retries": cfg.MaxRetries, "max_backoff": cfg.MaxBackoff,
		"certificate_expiry_warning_days": cfg.ExpiryWarningDays,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Provider Setting",
				fmt.Sprintf("The provider cannot be configured because %s is not known until apply. Set it to a value known at plan time, "+
					"for example from a variable or an environment variable.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	maxRetries := int64(defaultMaxRetries)
	if v := os.Getenv(envMaxRetries); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 20 {
			resp.Diagnostics.AddError("Invalid "+envMaxRetries, fmt.Sprintf("%s must be a whole number from 0 to 20, got %q.", envMaxRetries, v))
			return
		}
		maxRetries = n
	}
	if !cfg.MaxRetries.IsNull() {
		maxRetries = cfg.MaxRetries.ValueInt64()
	}
	maxBackoff := defaultMaxBackoff
	if s := stringOr(cfg.MaxBackoff, os.Getenv(envMaxBackoff)); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("max_backoff"), "Invalid Maximum Backoff",
				fmt.Sprintf("max_backoff (or %s) must be a positive Go duration such as 30s, got %q.", envMaxBackoff, s))
			return
		}
		maxBackoff = d
	}
	warnDays := int64(defaultExpiryWarningDays)
	if !cfg.ExpiryWarningDays.IsNull() {
		warnDays = cfg.ExpiryWarningDays.ValueInt64()
	}

	token := stringOr(cfg.APIToken, os.Getenv(cfapi.EnvAPIToken))
	apiKey := stringOr(cfg.APIKey, os.Getenv(cfapi.EnvAPIKey))
	email := stringOr(cfg.Email, os.Getenv(cfapi.EnvEmail))
	if summary, detail, at, fromEnv := checkCredentials(cfg, token, apiKey, email); summary != "" {
		if fromEnv {
			resp.Diagnostics.AddError(summary, detail)
		} else {
			resp.Diagnostics.AddAttributeError(at, summary, detail)
		}
		return
	}
	retryPause := cmp.Or(p.retryPause, defaultRetryPause)
	client, err := cfapi.New(cfapi.Config{
		APIToken:   token,
		APIKey:     apiKey,
		Email:      email,
		BaseURL:    stringOr(cfg.BaseURL, os.Getenv(cfapi.EnvBaseURL)),
		UserAgent:  fmt.Sprintf("terraform-provider-cfaop/%s Terraform/%s", p.version, req.TerraformVersion),
		MaxRetries: int(maxRetries),
		MinBackoff: retryPause,
		MaxBackoff: maxBackoff,
	})
	var badBaseURL *cfapi.BaseURLError
	switch {
	case errors.As(err, &badBaseURL):
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Cloudflare Provider Configuration",
			fmt.Sprintf("The provider could not build its Cloudflare API client from base_url (or %s): %s.", cfapi.EnvBaseURL, err))
		return
	case err != nil:
		resp.Diagnostics.AddError("Invalid Cloudflare Provider Configuration",
			"The provider could not build its Cloudflare API client. "+err.Error()+".")
		return
	}
	globalCAURL := stringOr(cfg.GlobalCAURL, os.Getenv(envGlobalCAURL))
	if globalCAURL != "" {
		if err := cfapi.CheckDocumentURL(globalCAURL); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("global_ca_url"), invalidCAURLSummary, documentURLDetail("global_ca_url (or "+envGlobalCAURL+")", err))
			return
		}
	}
	data := &providerData{
		client:        client,
		bindings:      coalesce.New(client.PutBindings, bindingBatchWindow, bindingBatchMax),
		certificates:  newCertificateCache(client),
		zones:         newZoneCheck(client, credentialsOrigin(cfg)),
		limits:        newLimitTally(),
		sslModes:      newSSLModeCache(client),
		journal:       uploadjournal.Open(ctx, p.journalDir),
		globalCAURL:   globalCAURL,
		expiryWarning: time.Duration(warnDays) * 24 * time.Hour,
		poll:          p.poll.orDefault(),
		retryPause:    retryPause,
		clock:         p.clock,
		associations:  newAssociationWatch(client, p.poll),
		registry:      newBindingRegistry(),
	}
	tflog.Debug(ctx, "Configured Cloudflare API client", map[string]any{"base_url": client.BaseURL(), "max_retries": maxRetries})
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *cfaopProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewGlobalSettingResource,
		NewZoneSettingResource,
		NewZoneCertificateResource,
		NewHostnameCertificateResource,
		NewHostnameBindingResource,
		NewHostnameBindingsResource,
		NewHostnameDeploymentResource,
	}
}

func (p *cfaopProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewGlobalCADataSource,
		NewHostnameBindingDataSource,
		NewZoneCertificatesDataSource,
		NewHostnameCertificatesDataSource,
		NewZoneCertificateDataSource,
		NewHostnameCertificateDataSource,
		NewIPRangesDataSource,
		NewOriginProbeDataSource,
		NewZoneSSLModeDataSource,
	}
}

// Functions are pure: they need no configuration and make no API call, so
// Terraform evaluates them at plan time.
func (p *cfaopProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewOriginTrustBundleFunction,
		NewNginxClientAuthFunction,
		NewApacheClientAuthFunction,
		NewOriginAllowListFunction,
		NewNftablesAllowListFunction,
		NewNginxClientVerificationFunction,
		NewApacheClientVerificationFunction,
	}
}

// stringOr returns v's value when set, else fallback.
func stringOr(v types.String, fallback string) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	return fallback
}
