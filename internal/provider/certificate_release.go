package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/pause"
)

// inUseWindows is how many of the longest poll waits a deletion refused as
// "still in use" is retried for when this process removed no association
// from the certificate: long enough for a removal that just finished, short
// enough that a certificate bound outside Terraform fails the destroy in
// minutes, not at the delete timeout. After removals of its own the
// provider retries until the delete timeout: Cloudflare takes its time.
const inUseWindows = 4

// waitHostnamesOff waits, before a hostname certificate is deleted, for the
// hostnames this process moved off it without waiting.
func (r *certificateResource) waitHostnamesOff(ctx context.Context, zoneID, id string, diags *diag.Diagnostics) {
	if err := r.data.waitLeavers(ctx, zoneID, id); err != nil {
		diags.AddError("Hostname Certificate Still Bound",
			fmt.Sprintf("Hostname certificate %s in zone %s is not deleted yet: it waits until the hostnames moved off it are active "+
				"on their new certificate (or removed), so that none is left without a certificate, and %s.\n\n"+
				"Run terraform apply or destroy again once Cloudflare has deployed them, or raise timeouts.delete.", id, zoneID, err))
	}
}

// retryInUse sleeps before another deletion of a certificate Cloudflare
// said is still in use, and reports false once the window is over.
func (r *certificateResource) retryInUse(ctx context.Context, zoneID, id string, since time.Time, err error) bool {
	sched := r.data.poll.deploy()
	elapsed := time.Since(since)
	if elapsed >= inUseWindows*sched.Max && !r.data.registry.hasRemovals(zoneID, id) {
		return false
	}
	tflog.Info(ctx, "Certificate still in use; deleting it again shortly", map[string]any{"cloudflare": apiMessages(err), "waited": elapsed.String()})
	return pause.For(ctx, sched.Next(elapsed)) == nil
}
