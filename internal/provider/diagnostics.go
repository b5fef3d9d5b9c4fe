package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// apiErrorDetail words the detail of a failed API call in one place: what was
// attempted, what to do about it, and the underlying error with Cloudflare's code.
func apiErrorDetail(attempt string, err error) string {
	hint := ""
	var apiErr *cfapi.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.HasCode(cfapi.CodeAuthentication) && apiErr.Needs != "":
		hint = " " + permissionHint(apiErr.Needs)
	case errors.As(err, &apiErr) && apiErr.HasCode(cfapi.CodeAuthentication):
		hint = " Check the API token (or key and email): it must be valid and allowed to edit SSL and Certificates and Zone Settings for this zone."
	case errors.As(err, &apiErr) && apiErr.StatusCode == 404:
		hint = " Check that the zone ID is right and that these credentials can see the zone."
	case errors.Is(err, context.DeadlineExceeded):
		hint = " The operation did not finish within its timeout; raise the resource's timeouts or check Cloudflare's status."
	}
	return fmt.Sprintf("%s failed.%s\n\nError: %s", attempt, hint, err)
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
