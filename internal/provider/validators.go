package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

type (
	validatorString = validator.String
	validatorInt64  = validator.Int64
)

// idValidator checks the form of a Cloudflare identifier. An ID that is
// right but for its case gets its own summary, because the fix is to
// lower-case it, not to look up another value.
type idValidator struct {
	name        string            // in summaries, e.g. "Zone ID"
	form        func(string) bool // the lower-case form the API accepts
	description string
	rule        string // what every such ID looks like
	expected    string // what the attribute must be, with an example
	advice      string // where a valid value comes from
}

var (
	// The client refuses the same forms before any request (see cfapi/ids.go).
	zoneIDValidator = idValidator{
		name:        "Zone ID",
		form:        cfapi.IsZoneID,
		description: "must be a 32-character lowercase hexadecimal Cloudflare zone ID",
		rule:        "Cloudflare zone IDs are 32 lower-case hexadecimal characters",
		expected:    "the zone's ID, 32 lower-case hexadecimal characters (for example 023e105f4ecef8ad9ca31a8372d0c353)",
		advice: "Copy it from the zone's Overview page in the Cloudflare dashboard or look it up with GET /zones?name=<zone name>; " +
			"a zone name such as example.com is not an ID.",
	}
	certificateIDValidator = idValidator{
		name:        "Certificate ID",
		form:        cfapi.IsCertificateID,
		description: "must be a Cloudflare certificate ID (a UUID such as 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60)",
		rule:        "Cloudflare certificate IDs are lower-case UUIDs",
		expected:    "a Cloudflare certificate ID such as 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60",
		advice:      "Reference the certificate resource instead of copying values, e.g. cfaop_hostname_certificate.app.id.",
	}
)

func (v idValidator) Description(context.Context) string { return v.description }

func (v idValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v idValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	got := req.ConfigValue.ValueString()
	if lower := strings.ToLower(got); lower != got && v.form(lower) {
		resp.Diagnostics.AddAttributeError(req.Path, v.name+" Must Be Lower Case",
			fmt.Sprintf("%s must be written in lower case, got %q: %s. It is the same ID, so just lower-case it: %q (in an expression, lower(...)).",
				req.Path, got, v.rule, lower))
		return
	}
	if !v.form(got) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.name,
			fmt.Sprintf("%s must be %s, got %q. %s", req.Path, v.expected, got, v.advice))
	}
}

// durationValidator checks that a string is a positive Go duration.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(v); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s must be a positive duration such as 30s or 2m, got %q.", req.Path, v))
	}
}

// hostnameValidator accepts a lowercase fully qualified hostname and says
// exactly what to remove otherwise.
type hostnameValidator struct{}

func (hostnameValidator) Description(context.Context) string {
	return "must be a lowercase fully qualified hostname without scheme, port or path"
}

func (v hostnameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (hostnameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := hostnameProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Hostname", fmt.Sprintf("%s %s", req.Path, problem))
	}
}

// hostnameProblem explains what is wrong with h, or returns "".
func hostnameProblem(h string) string {
	switch {
	case h == "":
		return "must not be empty: set the hostname Cloudflare pulls from, e.g. app.example.com."
	case strings.Contains(h, "://"):
		return fmt.Sprintf("must be a hostname, not a URL: remove the scheme from %q, e.g. app.example.com.", h)
	case strings.ContainsAny(h, "/?#"):
		return fmt.Sprintf("must be a hostname only: remove the path from %q.", h)
	case strings.Contains(h, ":"):
		return fmt.Sprintf("must be a hostname only: remove the port from %q (Cloudflare binds certificates per hostname, not per port).", h)
	case strings.ToLower(h) != h:
		return fmt.Sprintf("must be lowercase: use %q instead of %q.", strings.ToLower(h), h)
	case strings.HasPrefix(h, "*"):
		return fmt.Sprintf("must be a concrete hostname: %q is a wildcard, and per-hostname certificates are bound to single hostnames.", h)
	case strings.HasSuffix(h, "."):
		return fmt.Sprintf("must not end with a dot: use %q.", strings.TrimSuffix(h, "."))
	case !cfapi.IsHostname(h):
		return fmt.Sprintf("must be a fully qualified hostname made of letters, digits and hyphens separated by dots (e.g. app.example.com), got %q.", h)
	}
	return ""
}

// documentURLValidator checks the URL of the origin-pull CA: https (plain
// http only for a loopback host) and no user info, which would otherwise be
// echoed in diagnostics and logs.
type documentURLValidator struct{}

func (documentURLValidator) Description(context.Context) string {
	return "must be an https:// URL (http:// only for 127.0.0.0/8, ::1 or localhost) without user info"
}

func (v documentURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (documentURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := cfapi.CheckDocumentURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, invalidCAURLSummary, documentURLDetail(req.Path.String(), err))
	}
}

const invalidCAURLSummary = "Invalid Origin-Pull CA URL"

// documentURLDetail words a refused CA URL in one place.
func documentURLDetail(attr string, err error) string {
	return fmt.Sprintf("%s: %s. Cloudflare publishes the CA at %s, which is used when neither url nor global_ca_url (%s) is set.",
		attr, err, defaultGlobalCAURL, envGlobalCAURL)
}
