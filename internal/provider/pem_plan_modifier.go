package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

var (
	_ planmodifier.String = keepSamePEM[certificateContent]{}
	_ planmodifier.String = keepSamePEM[privateKeyContent]{}
)

// keepSamePEM plans the text already in state when the configuration encodes
// the same certificate or key in another form (CRLF, indentation, a trailing
// newline, PKCS#1 or PKCS#8). The framework applies semantic equality only to
// values the provider returns from Read, Create and Update, never to a plan of
// configuration against state, so without this a re-formatted file would plan
// an update. Terraform accepts a planned value that differs from the
// configuration only when it equals a non-null prior value, which is what this
// returns; a null prior value (right after an import, when Cloudflare never
// returns the key) cannot be kept and the configured text is planned.
type keepSamePEM[K pemContent] struct{}

func (keepSamePEM[K]) Description(context.Context) string {
	return "Keeps the value in state when the configuration holds the same content in another encoding."
}

func (m keepSamePEM[K]) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepSamePEM[K]) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	state, cfg := req.StateValue, req.ConfigValue
	if state.IsNull() || state.IsUnknown() || cfg.IsNull() || cfg.IsUnknown() || state.Equal(cfg) {
		return
	}
	var k K
	if k.same(state.ValueString(), cfg.ValueString()) {
		resp.PlanValue = state
	}
}
