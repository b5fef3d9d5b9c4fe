package cfapi

import (
	"fmt"
	"regexp"
)

// The forms of the values the client puts into request paths. Anything else
// could make the SDK's request leave the endpoint it was meant for
// ("../../settings" resolves to another API path, and a DELETE would go
// there), so every method checks its path values before sending anything.
var (
	// ZoneIDPattern: zone IDs are 32 lower-case hex characters (Cloudflare's
	// docs; the emulator generates the same form).
	ZoneIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// CertificateIDPattern: certificate IDs are UUIDs in the observed API
	// (the OpenAPI schema's generic 32-character "identifier" is accepted too).
	CertificateIDPattern = regexp.MustCompile(`^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$`)
	// hostnamePattern: a lower-case fully qualified name of letters, digits
	// and hyphens, as the provider's hostname validator requires; no "/",
	// "?", "#", "%" or "..".
	hostnamePattern = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// ErrInvalidID wraps every refused ID; no request is sent for it.
var ErrInvalidID = fmt.Errorf("invalid identifier")

// checkZoneID refuses a zone ID that is not 32 lower-case hex characters.
func checkZoneID(op, zoneID string) error {
	if !ZoneIDPattern.MatchString(zoneID) {
		return fmt.Errorf("%s: %w: zone ID %q is not 32 lower-case hexadecimal characters; no request was sent", op, ErrInvalidID, zoneID)
	}
	return nil
}

// checkZoneAndCertificate refuses a bad zone ID or certificate ID.
func checkZoneAndCertificate(op, zoneID, certID string) error {
	if err := checkZoneID(op, zoneID); err != nil {
		return err
	}
	if !CertificateIDPattern.MatchString(certID) {
		return fmt.Errorf("%s: %w: certificate ID %q is not a UUID (or 32 hexadecimal characters); no request was sent", op, ErrInvalidID, certID)
	}
	return nil
}

// checkHostname refuses a name that is not a lower-case fully qualified
// hostname (used for hostnames in paths and zone names in queries).
func checkHostname(op, what, name string) error {
	if len(name) > 253 || !hostnamePattern.MatchString(name) {
		return fmt.Errorf("%s: %w: %s %q is not a lower-case fully qualified hostname; no request was sent", op, ErrInvalidID, what, name)
	}
	return nil
}
