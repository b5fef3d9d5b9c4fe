package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// withTimeouts is a resource model with a timeouts block.
type withTimeouts interface {
	operationTimeouts() timeouts.Value
}

// modelSource is where an operation reads its model: req.Plan or req.State.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// timeoutPick picks one operation's timeout from the timeouts block:
// timeouts.Value.Create, .Read, .Update or .Delete.
type timeoutPick func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// decodeWithin is the preamble of every resource operation: it reads the
// model from src and returns it with a context bounded by the operation's
// timeout (fallback when the timeouts block does not set it). cancel is
// never nil, so callers defer it before checking diags for errors.
func decodeWithin[M withTimeouts](ctx context.Context, src modelSource, pick timeoutPick, fallback time.Duration, diags *diag.Diagnostics) (M, context.Context, context.CancelFunc) {
	var m M
	diags.Append(src.Get(ctx, &m)...)
	if diags.HasError() {
		return m, ctx, func() {}
	}
	timeout, d := pick(m.operationTimeouts(), ctx, fallback)
	diags.Append(d...)
	if diags.HasError() {
		return m, ctx, func() {}
	}
	opCtx, cancel := context.WithTimeout(ctx, timeout)
	return m, opCtx, cancel
}
