package emulator

import (
	"net/http"
	"testing"
)

// Every route answers a scoped token without its permission 403/10000, as
// Cloudflare does, lets one with it through, and an Edit includes its Read.
func TestEmulator_scopedTokens(t *testing.T) {
	t.Parallel()
	tokens := map[string][]Permission{}
	for _, p := range Permissions {
		tokens["scoped-"+string(p)] = []Permission{p}
	}
	e := newEnv(t, func(c *Config) { c.ScopedTokens = tokens })
	routes := []struct {
		method, path string
		needs        Permission
	}{
		{http.MethodGet, "/zones", PermZoneRead},
		{http.MethodGet, e.zonePath(""), PermZoneRead},
		{http.MethodGet, e.zonePath("/settings/tls_client_auth"), PermZoneSettingsRead},
		{http.MethodPatch, e.zonePath("/settings/tls_client_auth"), PermZoneSettingsEdit},
		{http.MethodGet, e.aopPath("/settings"), PermSSLRead},
		{http.MethodPut, e.aopPath("/settings"), PermSSLEdit},
		{http.MethodGet, e.aopPath(""), PermSSLRead},
		{http.MethodPost, e.aopPath(""), PermSSLEdit},
		{http.MethodGet, e.aopPath("/hostnames/certificates"), PermSSLRead},
		{http.MethodPost, e.aopPath("/hostnames/certificates"), PermSSLEdit},
		{http.MethodPut, e.aopPath("/hostnames"), PermSSLEdit},
		{http.MethodGet, e.aopPath("/hostnames/app.example.com"), PermSSLRead},
		{http.MethodDelete, e.aopPath("/2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"), PermSSLEdit},
	}
	for _, rt := range routes {
		for _, p := range Permissions {
			r := e.doWith(rt.method, rt.path, nil, map[string]string{"Authorization": "Bearer scoped-" + string(p)})
			allowed := p == rt.needs || implies[p] == rt.needs
			if !allowed {
				r.fails(t, http.StatusForbidden, codeAuth, msgAuth)
				continue
			}
			if r.status == http.StatusForbidden {
				t.Errorf("%s %s with %s: refused, want it let through: %s", rt.method, rt.path, p, r.raw)
			}
		}
	}
	// Scoped tokens are no admin credentials.
	e.doWith(http.MethodGet, "/__emulator/state", nil, map[string]string{"Authorization": "Bearer scoped-" + string(PermSSLEdit)}).
		fails(t, http.StatusForbidden, codeAuth, msgAuth)
}

func TestParseScopedToken(t *testing.T) {
	t.Parallel()
	tok, perms, err := ParseScopedToken("abc=ssl_and_certificates:edit,zone:read")
	if err != nil || tok != "abc" || len(perms) != 2 {
		t.Fatalf("got %q %v %v", tok, perms, err)
	}
	for _, bad := range []string{"abc", "abc=", "=zone:read", "abc=zone:edit", "abc=zone:read,"} {
		if _, _, err := ParseScopedToken(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := New(Config{ScopedTokens: map[string][]Permission{"x": {"dns:edit"}}}); err == nil {
		t.Error("an unknown permission was accepted")
	}
}
