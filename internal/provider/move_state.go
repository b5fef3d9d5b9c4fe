package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Moving from the official Cloudflare provider (Terraform 1.8+ `moved`
// blocks across resource types). Each StateMover maps the source state to
// ours without an API call; the refresh that follows the move reads the
// object from Cloudflare. The source schemas hold only the attributes that
// are mapped; the framework ignores the rest of the source state.

// The official provider's resource types that a cfaop resource accepts in `moved.from`.
const (
	cloudflareZoneCertificateType     = "cloudflare_authenticated_origin_pulls_certificate"
	cloudflareHostnameCertificateType = "cloudflare_authenticated_origin_pulls_hostname_certificate"
	cloudflareZoneSettingType         = "cloudflare_authenticated_origin_pulls_settings"
	cloudflareHostnameBindingType     = "cloudflare_authenticated_origin_pulls"
)

// moveFromCloudflare reports whether a move request comes from the official
// provider's resource type sourceType. The registry host is ignored, so
// registry.opentofu.org/cloudflare/cloudflare matches too.
func moveFromCloudflare(req resource.MoveStateRequest, sourceType string) bool {
	if req.SourceTypeName != sourceType {
		return false
	}
	addr := strings.ToLower(strings.TrimSpace(req.SourceProviderAddress))
	return addr == "cloudflare/cloudflare" || strings.HasSuffix(addr, "/cloudflare/cloudflare")
}

// moveSourceState decodes the source state into target, or explains why it cannot.
func moveSourceState(ctx context.Context, req resource.MoveStateRequest, targetType string, target any) diag.Diagnostics {
	var diags diag.Diagnostics
	if req.SourceState == nil {
		diags.AddError("Unreadable Source State",
			fmt.Sprintf("The state of %s (schema version %d) does not have the shape this provider expects from the official Cloudflare "+
				"provider v5, so it cannot be moved to %s. Remove the moved block and import the object instead (see the guide "+
				"\"Migrating from the Cloudflare provider\"), and please report the Cloudflare provider version you use.",
				req.SourceTypeName, req.SourceSchemaVersion, targetType))
		return diags
	}
	diags.Append(req.SourceState.Get(ctx, target)...)
	return diags
}

// moveRequire adds an error when a value the move cannot do without is missing.
func moveRequire(diags *diag.Diagnostics, v types.String, sourceType, attr, targetType string) {
	if stringOr(v, "") == "" {
		diags.AddError("Incomplete Source State",
			fmt.Sprintf("The state of %s has no %s, so it cannot be moved to %s. Run terraform apply -refresh-only with the Cloudflare "+
				"provider first, or remove the moved block and import the object instead.", sourceType, attr, targetType))
	}
}

// moveCheckForm adds an error when a moved value that this provider puts
// into API request paths (a zone ID, a certificate ID, a hostname) is not of
// its form: a crafted source state must not steer requests elsewhere.
func moveCheckForm(diags *diag.Diagnostics, value string, valid bool, sourceType, attr, form, targetType string) {
	if value == "" || valid {
		return
	}
	if len(value) > 80 {
		value = value[:80] + "..."
	}
	diags.AddError("Invalid Source State",
		fmt.Sprintf("The state of %s has %s %q, which is not %s, so it cannot be moved to %s (this provider puts it into API request paths). "+
			"Check the state with terraform state show, or remove the moved block and import the object instead.", sourceType, attr, value, form, targetType))
}

// Forms named by moveCheckForm.
const (
	zoneIDForm        = "a Cloudflare zone ID (32 lower-case hexadecimal characters)"
	certificateIDText = "a Cloudflare certificate ID (a UUID)"
	hostnameForm      = "a lower-case fully qualified hostname"
)

// moveNullTimeouts is a null timeouts block of the target schema's type.
func moveNullTimeouts(ctx context.Context, target tfsdk.State) (timeouts.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	block, ok := target.Schema.GetBlocks()["timeouts"]
	if !ok {
		diags.AddError("Unexpected Target Schema", "The target resource has no timeouts block. This is a bug in the provider; please report it.")
		return timeouts.Value{}, diags
	}
	t := block.Type()
	v, err := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
	if err != nil {
		diags.AddError("Unexpected Target Schema", "Cannot build a null timeouts block: "+err.Error()+". This is a bug in the provider; please report it.")
		return timeouts.Value{}, diags
	}
	tv, ok := v.(timeouts.Value)
	if !ok {
		diags.AddError("Unexpected Target Schema", fmt.Sprintf("The timeouts block has type %T. This is a bug in the provider; please report it.", v))
	}
	return tv, diags
}

// moveTime normalises a source timestamp to this provider's RFC 3339 UTC
// form; fallback is used when the source has none or it does not parse.
func moveTime(v types.String, fallback string) string {
	s := stringOr(v, "")
	if s == "" {
		return fallback
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fallback
	}
	return formatTime(t)
}
