package provider

import (
	"encoding/pem"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// known reports whether a configured value is set and known at plan time.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

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

// canonicalPEM re-encodes a certificate, so what is sent never carries the
// configuration's whitespace or surrounding text.
func canonicalPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
