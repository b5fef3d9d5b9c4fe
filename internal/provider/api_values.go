package provider

import (
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// Helpers that map what the Cloudflare API reports into model values.

// firstNonEmpty is the first value the API (or the certificate itself) gave.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// formatTime renders an API time as RFC 3339, or "" when the API gave none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// isDeletedStatus reports whether a certificate or a hostname association
// is deleted or being deleted: for Terraform, both are gone.
func isDeletedStatus(status string) bool {
	return status == cfapi.StatusDeleted || status == cfapi.StatusPendingDeletion
}
