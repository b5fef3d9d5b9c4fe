package cfapi

// Permission is the API token permission an operation needs, in the words
// of Cloudflare's dashboard (My Profile → API Tokens), which calls "Edit"
// what the API reference calls "Write". An Edit permission includes Read.
type Permission string

// The permissions the provider's operations need. Certificate and
// association writes need SSL and Certificates Edit, reads SSL and
// Certificates Read; the tls_client_auth zone setting needs Zone Settings
// [doc]. The zone-level AOP switch (origin_tls_client_auth/settings) is
// documented as SSL and Certificates Write for PUT; its GET is taken to
// need Read, like the other AOP reads.
const (
	PermSSLRead          Permission = "Zone → SSL and Certificates → Read"
	PermSSLEdit          Permission = "Zone → SSL and Certificates → Edit"
	PermZoneSettingsRead Permission = "Zone → Zone Settings → Read"
	PermZoneSettingsEdit Permission = "Zone → Zone Settings → Edit"
	PermZoneRead         Permission = "Zone → Zone → Read"
)
