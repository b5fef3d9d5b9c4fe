package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// apiErrorDetail words the detail of a failed API call in one place: what was
// attempted, what to do about it, and the underlying error with Cloudflare's code.
func apiErrorDetail(attempt string, err error) string {
	hint := ""
	var apiErr *cfapi.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.HasCode(cfapi.CodeAuthentication):
		hint = " Check the API token (or key and email): it must be valid and allowed to edit SSL and Certificates and Zone Settings for this zone."
	case errors.As(err, &apiErr) && apiErr.StatusCode == 404:
		hint = " Check that the zone ID is right and that these credentials can see the zone."
	case errors.Is(err, context.DeadlineExceeded):
		hint = " The operation did not finish within its timeout; raise the resource's timeouts or check Cloudflare's status."
	}
	return fmt.Sprintf("%s failed.%s\n\nError: %s", attempt, hint, err)
}
