package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// An upload given up after tries that were each proved not stored says so:
// the API error alone (the last try's 503) would not tell the user that
// applying again is safe.
func TestAPIErrorDetail_uploadsNotStored(t *testing.T) {
	t.Parallel()
	last := &cfapi.APIError{StatusCode: http.StatusServiceUnavailable}
	got := apiErrorDetail("Uploading the certificate", fmt.Errorf("upload: %w", &uploadsNotStoredError{err: last, uploads: 3}))
	for _, want := range []string{"Uploading the certificate failed: Cloudflare answered HTTP 503", "sent the upload 3 times", "applying again is safe"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail %q lacks %q", got, want)
		}
	}
	if plain := apiErrorDetail("Uploading the certificate", last); strings.Contains(plain, "applying again") {
		t.Errorf("a single failed upload claims it was checked: %q", plain)
	}
}
