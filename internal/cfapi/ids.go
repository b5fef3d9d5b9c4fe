package cfapi

import (
	"fmt"
	"strings"
)

// The forms of the values the client puts into request paths. Anything else
// could make the SDK's request leave the endpoint it was meant for
// ("../../settings" resolves to another API path, and a DELETE would go
// there), so every method checks its path values before sending anything.
//
// They are checked by hand, not with regular expressions: package-level
// patterns are compiled at every start of the provider, which Terraform
// starts several times per plan, and the hostname's bounded repetitions
// ({0,61}) make the largest programs of all.

// IsZoneID reports whether s is a zone ID: 32 lower-case hexadecimal
// characters (Cloudflare's docs; the emulator generates the same form).
func IsZoneID(s string) bool {
	return len(s) == 32 && lowerHex(s)
}

// IsCertificateID reports whether s is a certificate ID: a lower-case UUID,
// as the observed API returns them, or the OpenAPI schema's generic
// 32-character identifier.
func IsCertificateID(s string) bool {
	if len(s) == 32 {
		return lowerHex(s)
	}
	if len(s) != 36 {
		return false
	}
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return false
	}
	for i, want := range [...]int{8, 4, 4, 4, 12} {
		if len(parts[i]) != want || !lowerHex(parts[i]) {
			return false
		}
	}
	return true
}

// IsHostname reports whether s is a lower-case fully qualified hostname, as
// the provider's hostname validator requires: at most 253 characters, two or
// more dot-separated labels of 1 to 63 letters, digits and hyphens, none
// starting or ending with a hyphen. So no "/", "?", "#", "%" or "..".
func IsHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			switch c := l[i]; {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			default:
				return false
			}
		}
	}
	return true
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		default:
			return false
		}
	}
	return true
}

// ErrInvalidID wraps every refused ID; no request is sent for it.
var ErrInvalidID = fmt.Errorf("invalid identifier")

// checkZoneID refuses a zone ID that is not 32 lower-case hex characters.
func checkZoneID(op, zoneID string) error {
	if !IsZoneID(zoneID) {
		return fmt.Errorf("%s: %w: zone ID %q is not 32 lower-case hexadecimal characters; no request was sent", op, ErrInvalidID, zoneID)
	}
	return nil
}

// checkZoneAndCertificate refuses a bad zone ID or certificate ID.
func checkZoneAndCertificate(op, zoneID, certID string) error {
	if err := checkZoneID(op, zoneID); err != nil {
		return err
	}
	if !IsCertificateID(certID) {
		return fmt.Errorf("%s: %w: certificate ID %q is not a UUID (or 32 hexadecimal characters); no request was sent", op, ErrInvalidID, certID)
	}
	return nil
}

// checkHostname refuses a name that is not a lower-case fully qualified
// hostname (used for hostnames in paths and zone names in queries).
func checkHostname(op, what, name string) error {
	if !IsHostname(name) {
		return fmt.Errorf("%s: %w: %s %q is not a lower-case fully qualified hostname; no request was sent", op, ErrInvalidID, what, name)
	}
	return nil
}
