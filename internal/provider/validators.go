package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type (
	validatorString = validator.String
	validatorInt64  = validator.Int64
)

var zoneIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// zoneIDValidator checks the form of a Cloudflare zone identifier.
type zoneIDValidator struct{}

func (zoneIDValidator) Description(context.Context) string {
	return "must be a 32-character lowercase hexadecimal Cloudflare zone ID"
}

func (v zoneIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (zoneIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); !zoneIDPattern.MatchString(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Zone ID",
			fmt.Sprintf("%s must be the zone's 32-character hexadecimal ID (for example 023e105f4ecef8ad9ca31a8372d0c353), got %q. "+
				"Copy it from the zone's Overview page in the Cloudflare dashboard or look it up with GET /zones?name=<zone name>; "+
				"a zone name such as example.com is not an ID.", req.Path, v))
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
