package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Permission is one of Cloudflare's API token permission groups at a level,
// written as the -scoped-token flag takes it: "ssl_and_certificates:edit".
type Permission string

// The permission groups the emulated routes need. Cloudflare's API
// reference calls Edit "Write".
const (
	PermSSLRead          Permission = "ssl_and_certificates:read"
	PermSSLEdit          Permission = "ssl_and_certificates:edit"
	PermZoneSettingsRead Permission = "zone_settings:read"
	PermZoneSettingsEdit Permission = "zone_settings:edit"
	PermZoneRead         Permission = "zone:read"
)

// Permissions lists every permission the emulator knows, for help texts.
var Permissions = []Permission{PermSSLRead, PermSSLEdit, PermZoneSettingsRead, PermZoneSettingsEdit, PermZoneRead}

// implies: an Edit permission includes its Read, as on Cloudflare.
var implies = map[Permission]Permission{PermSSLEdit: PermSSLRead, PermZoneSettingsEdit: PermZoneSettingsRead}

// permissionSet is what a token may do; nil means everything (the main
// token and the global API key).
type permissionSet map[Permission]bool

func (p permissionSet) allows(need Permission) bool {
	return p == nil || need == "" || p[need]
}

// newPermissionSet validates names and adds the Read implied by each Edit.
func newPermissionSet(names []Permission) (permissionSet, error) {
	set := permissionSet{}
	for _, raw := range names {
		p := Permission(strings.ToLower(strings.TrimSpace(string(raw))))
		known := false
		for _, k := range Permissions {
			known = known || k == p
		}
		if !known {
			return nil, fmt.Errorf("emulator: unknown permission %q (known: %s)", raw, joinPermissions(Permissions))
		}
		set[p] = true
		if r, ok := implies[p]; ok {
			set[r] = true
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("emulator: a scoped token needs at least one permission (known: %s)", joinPermissions(Permissions))
	}
	return set, nil
}

func joinPermissions(ps []Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// ParseScopedToken parses the -scoped-token flag's TOKEN=PERM,PERM.
func ParseScopedToken(v string) (string, []Permission, error) {
	token, perms, ok := strings.Cut(v, "=")
	if !ok || token == "" || perms == "" {
		return "", nil, fmt.Errorf("scoped token %q: want TOKEN=PERMISSION,PERMISSION (permissions: %s)", redactToken(token), joinPermissions(Permissions))
	}
	var out []Permission
	for _, p := range strings.Split(perms, ",") {
		out = append(out, Permission(p))
	}
	if _, err := newPermissionSet(out); err != nil {
		return "", nil, err
	}
	return token, out, nil
}

// redactToken keeps an error message from echoing a whole token.
func redactToken(t string) string {
	if len(t) <= 4 {
		return "…"
	}
	return t[:4] + "…"
}

// routePermission is the permission each route needs:
//
//	GET  /zones, /zones/{id}                                Zone Read                       [doc]
//	GET  /zones/{id}/settings/tls_client_auth               Zone Settings Read              [doc]
//	PATCH /zones/{id}/settings/tls_client_auth              Zone Settings Edit              [doc]
//	GET  .../origin_tls_client_auth/settings                SSL and Certificates Read       [ours] (the PUT is documented)
//	PUT  .../origin_tls_client_auth/settings                SSL and Certificates Edit       [doc] ("SSL and Certificates Write")
//	GET  certificates, hostname certificates, associations  SSL and Certificates Read       [doc]
//	POST, DELETE certificates; PUT associations             SSL and Certificates Edit       [doc]
func routePermission(method, pattern string) Permission {
	read := method == http.MethodGet || method == http.MethodHead
	switch {
	case pattern == "/zones" || pattern == "/zones/{zone_id}":
		return PermZoneRead
	case strings.HasSuffix(pattern, "/settings/tls_client_auth"), strings.HasSuffix(pattern, "/settings/ssl"):
		if read {
			return PermZoneSettingsRead
		}
		return PermZoneSettingsEdit
	case read:
		return PermSSLRead
	}
	return PermSSLEdit
}
