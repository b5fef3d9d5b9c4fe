package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// apiErrorDetail words the detail of a failed API call in one place: what was
// attempted, Cloudflare's answer (HTTP status, code and message) and what to
// do about it, as one paragraph, so that a failure reads as one error.
func apiErrorDetail(attempt string, err error) string {
	hint := ""
	var apiErr *cfapi.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.HasCode(cfapi.CodeAuthentication) && apiErr.Needs != "":
		hint = " " + permissionHint(apiErr.Needs)
	case isCredentialRefusal(err):
		hint = " Check the API token (or key and email): it must be valid and allowed to edit SSL and Certificates and Zone Settings for this zone."
	case errors.As(err, &apiErr) && apiErr.StatusCode == 404:
		hint = " Check that the zone ID is right and that these credentials can see the zone."
	case errors.Is(err, context.DeadlineExceeded):
		hint = " The operation did not finish within its timeout; raise the resource's timeouts or check Cloudflare's status."
	}
	// The API error below is only the last try's answer.
	var gaveUp *uploadsNotStoredError
	if errors.As(err, &gaveUp) {
		hint += fmt.Sprintf(" Terraform sent the upload %d times and, after each, found in the zone's list of certificates that Cloudflare "+
			"had not stored it: nothing was created, so applying again is safe.", gaveUp.uploads)
	}
	// The answer was lost and the check failed: say so, or the user reads a
	// plain 5xx and cannot tell whether a certificate was created.
	var unknown *uploadOutcomeUnknownError
	if errors.As(err, &unknown) {
		hint += fmt.Sprintf(" Cloudflare may have stored the certificate: its answer to the upload was lost, and listing the zone's certificates "+
			"to check failed too (%s). Applying again is safe: Cloudflare refuses a second copy of a certificate, and Terraform then adopts "+
			"the stored one from this working directory's upload journal or, in another working directory, names it for import.",
			strings.TrimSuffix(unknown.listErr.Error(), "."))
	}
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%s failed: Cloudflare answered %s.%s", attempt, apiCodes(err), hint)
	}
	return fmt.Sprintf("%s failed: %s.%s", attempt, strings.TrimSuffix(err.Error(), "."), hint)
}

// addReadError reports a failed refresh of a resource. After the run's one
// explanation of refused credentials, a refresh that fails for the same
// reason adds nothing: the run already fails with that error, so the prior
// state this Read leaves in place is neither planned from nor saved, and the
// user sees one error instead of one per resource.
func addReadError(ctx context.Context, diags *diag.Diagnostics, data *providerData, summary, attempt string, err error) {
	if data != nil && data.zones != nil && isCredentialRefusal(err) {
		if data.zones.firstRefusal() {
			diags.AddError(summaryCredentialsRefused, attempt+" failed. "+credentialsRefusedDetail(data.zones.credentials, err))
		} else {
			tflog.Warn(ctx, attempt+" failed: Cloudflare refused the credentials (reported once per run)", map[string]any{"error": apiCodes(err)})
		}
		return
	}
	diags.AddError(summary, apiErrorDetail(attempt, err))
}

// addAPIError reports a failed API call. Refused credentials fail every
// resource of a run alike: the first such failure gets the full explanation
// (summaryCredentialsRefused), the others one line that refers to it.
func addAPIError(diags *diag.Diagnostics, data *providerData, summary, attempt string, err error) {
	if data != nil && data.zones != nil && isCredentialRefusal(err) {
		if data.zones.firstRefusal() {
			diags.AddError(summaryCredentialsRefused, attempt+" failed. "+credentialsRefusedDetail(data.zones.credentials, err))
		} else {
			needs := ""
			var apiErr *cfapi.APIError
			if errors.As(err, &apiErr) && apiErr.Needs != "" {
				needs = fmt.Sprintf(" It needs the API token permission %s.", apiErr.Needs)
			}
			diags.AddError(summary, fmt.Sprintf("%s failed because Cloudflare refused the credentials (%s); see the error %q for what to check.%s",
				attempt, apiCodes(err), summaryCredentialsRefused, needs))
		}
		return
	}
	diags.AddError(summary, apiErrorDetail(attempt, err))
}

// permissionHint words Cloudflare's 403 "Authentication error" (code
// 10000), which answers both a wrong token and a token without the
// permission the operation needs [obs], so it names both causes.
func permissionHint(needs cfapi.Permission) string {
	return fmt.Sprintf("Check the API token (or key and email): it must be valid, and this operation needs the API token permission %s for this zone. "+
		"A token created moments ago can answer 403 for a short while; if it is brand-new, try again in a minute. "+
		"The provider documentation lists the minimal token for each resource.", needs)
}

// addFindings turns certificate and key findings into attribute diagnostics.
func addFindings(diags *diag.Diagnostics, at path.Path, findings []pemcert.Finding) {
	for _, f := range findings {
		if f.Severity == pemcert.SeverityWarning {
			diags.AddAttributeWarning(at, f.Summary, f.Detail)
		} else {
			diags.AddAttributeError(at, f.Summary, f.Detail)
		}
	}
}

func hasErrorFinding(findings []pemcert.Finding) bool {
	for _, f := range findings {
		if f.Severity == pemcert.SeverityError {
			return true
		}
	}
	return false
}

// onlyErrors drops warnings already shown at plan time.
func onlyErrors(findings []pemcert.Finding) []pemcert.Finding {
	var out []pemcert.Finding
	for _, f := range findings {
		if f.Severity == pemcert.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// isInUse reports whether Cloudflare refused a deletion because hostnames
// are still bound to the certificate.
func isInUse(err error) bool {
	var apiErr *cfapi.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.HasCode(cfapi.CodeCertificateInUse) {
		return true
	}
	msg := strings.ToLower(apiMessages(err))
	return strings.Contains(msg, "in use") || strings.Contains(msg, "associat")
}

// apiMessages joins Cloudflare's error messages without the codes.
func apiMessages(err error) string {
	var apiErr *cfapi.APIError
	if !errors.As(err, &apiErr) || len(apiErr.Errors) == 0 {
		return err.Error()
	}
	msgs := make([]string, len(apiErr.Errors))
	for i, it := range apiErr.Errors {
		msgs[i] = it.Message
	}
	return strings.Join(msgs, "; ")
}

// addUnreadableCertificateError reports a certificate from Cloudflare that cannot be parsed.
func addUnreadableCertificateError(diags *diag.Diagnostics, kind cfapi.CertificateKind, zoneID, id string, err error) {
	diags.AddError("Unreadable Certificate From Cloudflare",
		fmt.Sprintf("Cloudflare returned %s %s in zone %s with a certificate that cannot be parsed: %s. Please report this.", kind, id, zoneID, err))
}
