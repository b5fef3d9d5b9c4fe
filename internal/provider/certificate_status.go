package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// isDeletedStatus reports whether a certificate or a hostname association
// is deleted or being deleted: for Terraform, both are gone.
func isDeletedStatus(status string) bool {
	return status == cfapi.StatusDeleted || status == cfapi.StatusPendingDeletion
}

// addUnreadableCertificateError reports a certificate from Cloudflare that cannot be parsed.
func addUnreadableCertificateError(diags *diag.Diagnostics, kind cfapi.CertificateKind, zoneID, id string, err error) {
	diags.AddError("Unreadable Certificate From Cloudflare",
		fmt.Sprintf("Cloudflare returned %s %s in zone %s with a certificate that cannot be parsed: %s. Please report this.", kind, id, zoneID, err))
}
