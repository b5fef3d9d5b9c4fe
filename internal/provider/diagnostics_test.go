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

// An upload whose answer was lost and whose check failed says that the
// certificate may be stored and why applying again is safe: the last API
// error alone (a 502) reads like a plain refusal.
func TestAPIErrorDetail_uploadOutcomeUnknown(t *testing.T) {
	t.Parallel()
	lost := &cfapi.APIError{StatusCode: http.StatusBadGateway}
	listing := &cfapi.APIError{StatusCode: http.StatusServiceUnavailable}
	got := apiErrorDetail("Uploading the certificate", &uploadOutcomeUnknownError{err: lost, listErr: listing})
	for _, want := range []string{"Cloudflare answered HTTP 502", "Cloudflare may have stored the certificate", "HTTP 503", "Applying again is safe", "upload journal"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail %q lacks %q", got, want)
		}
	}
}
