package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEmulator_New(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("cfaop-emulator-zone:example.com"))
	if got, want := s.ZoneID("example.com"), hex.EncodeToString(sum[:])[:32]; got != want {
		t.Fatalf("default zone ID %q, want %q", got, want)
	}
	if s.ZoneID("EXAMPLE.com.") != s.ZoneID("example.com") {
		t.Errorf("ZoneID should normalise the name")
	}
	if s.ZoneID("example.net") != "" {
		t.Errorf("ZoneID of a zone not served should be empty")
	}
	for name, cfg := range map[string]Config{
		"invalid zone":   {Zones: []string{"not a zone"}},
		"single label":   {Zones: []string{"localhost"}},
		"duplicate zone": {Zones: []string{"example.com", "Example.COM"}},
		"negative delay": {Delay: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestEmulator_Auth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Token = "tok-123"; c.APIKey = "key-456"; c.Email = "me@example.com" })
	noKey := newEnv(t)
	cases := []struct {
		name    string
		env     *testEnv
		headers map[string]string
		ok      bool
	}{
		{"token", e, map[string]string{"Authorization": "Bearer tok-123"}, true},
		{"token lower-case scheme", e, map[string]string{"Authorization": "bearer tok-123"}, true},
		{"no credentials", e, map[string]string{}, false},
		{"wrong token", e, map[string]string{"Authorization": "Bearer tok-124"}, false},
		{"wrong scheme", e, map[string]string{"Authorization": "Basic tok-123"}, false},
		{"empty bearer", e, map[string]string{"Authorization": "Bearer"}, false},
		{"legacy key", e, map[string]string{"X-Auth-Key": "key-456", "X-Auth-Email": "Me@Example.com"}, true},
		{"legacy wrong key", e, map[string]string{"X-Auth-Key": "key-457", "X-Auth-Email": "me@example.com"}, false},
		{"legacy wrong email", e, map[string]string{"X-Auth-Key": "key-456", "X-Auth-Email": "you@example.com"}, false},
		{"legacy key only", e, map[string]string{"X-Auth-Key": "key-456"}, false},
		{"wrong token beats key", e, map[string]string{"Authorization": "Bearer nope", "X-Auth-Key": "key-456", "X-Auth-Email": "me@example.com"}, false},
		{"legacy not configured", noKey, map[string]string{"X-Auth-Key": "", "X-Auth-Email": ""}, false},
		{"generated token", noKey, map[string]string{"Authorization": "Bearer " + noKey.s.Token()}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/zones", tc.env.aopPath("/settings"), "/__emulator/state"} {
				r := tc.env.doWith(http.MethodGet, path, nil, tc.headers)
				if tc.ok && r.status != http.StatusOK {
					t.Fatalf("GET %s: want 200, got %d %s", path, r.status, r.raw)
				}
				if !tc.ok {
					r.fails(t, http.StatusForbidden, codeAuth, "Authentication error")
				}
			}
		})
	}
	// Unauthenticated requests change nothing.
	r := e.doWith(http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": true}, nil)
	r.fails(t, http.StatusForbidden, codeAuth, msgAuth)
	if e.s.Snapshot().Zones[0].Settings.ZoneLevelEnabled {
		t.Fatal("an unauthenticated PUT was applied")
	}
}

func TestEmulator_Routing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	unknown := "0123456789abcdef0123456789abcdef"
	for _, p := range []string{
		"/zones/" + unknown,
		"/zones/" + unknown + "/settings/tls_client_auth",
		"/zones/" + unknown + "/origin_tls_client_auth",
		"/zones/" + unknown + "/origin_tls_client_auth/hostnames/app.example.com",
	} {
		want := "Could not route to " + p + ", perhaps your object identifier is invalid?"
		e.do(http.MethodGet, p, nil).fails(t, 404, codeNoRoute, want)
	}
	e.do(http.MethodPut, "/zones/"+unknown+"/origin_tls_client_auth/hostnames", `{"config":[]}`).fails(t, 404, codeNoRoute, "Could not route to")

	for _, p := range []string{"/", "/nothing", e.zonePath("/settings/always_use_https"), e.aopPath("/hostnames/a/b"), "/zones/" + e.zoneID + "/"} {
		e.do(http.MethodGet, p, nil).fails(t, 404, codeNoRoute, msgNoRoute)
	}
	resp, err := http.Get(e.ts.URL + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("outside the API: %d", resp.StatusCode)
	}

	r := e.do(http.MethodPost, e.aopPath("/settings"), nil)
	r.fails(t, http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed")
	if got := r.header.Get("Allow"); got != "GET, PUT" {
		t.Errorf("Allow %q", got)
	}
	// ".../hostnames" (PUT only) takes precedence over ".../{certificate_id}".
	r = e.do(http.MethodGet, e.aopPath("/hostnames"), nil)
	r.fails(t, http.StatusMethodNotAllowed, codeMethodNotAllowed, "")
	if got := r.header.Get("Allow"); got != "PUT" {
		t.Errorf("Allow %q", got)
	}
	// Every answer is JSON.
	for _, ct := range []string{r.header.Get("Content-Type"), e.do(http.MethodGet, "/zones", nil).header.Get("Content-Type")} {
		if ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
	}
}

func TestEmulator_ListZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Zones = []string{"example.com", "example.org", "example.net"} })
	type zoneObj struct {
		ID, Name, Status string
	}
	var zones []zoneObj
	r := e.do(http.MethodGet, "/zones?name=Example.ORG", nil)
	r.ok(t, &zones)
	if len(zones) != 1 || zones[0].Name != "example.org" || zones[0].ID != e.s.ZoneID("example.org") || zones[0].Status != "active" {
		t.Fatalf("by name: %+v", zones)
	}
	if ri := r.env.ResultInfo; ri == nil || *ri != (resultInfo{Page: 1, PerPage: 20, Count: 1, TotalCount: 1}) {
		t.Fatalf("result_info %+v", ri)
	}
	r = e.do(http.MethodGet, "/zones?name=nothing.test", nil)
	r.ok(t, &zones)
	if len(zones) != 0 || string(r.env.Result) != "[]" || r.env.ResultInfo.TotalCount != 0 {
		t.Fatalf("no match: %s", r.raw)
	}
	e.do(http.MethodGet, "/zones", nil).ok(t, &zones)
	if len(zones) != 3 {
		t.Fatalf("all zones: %+v", zones)
	}
	r = e.do(http.MethodGet, "/zones?per_page=5&page=1", nil)
	r.ok(t, &zones)
	if r.env.ResultInfo.PerPage != 5 || len(zones) != 3 {
		t.Fatalf("paged: %s", r.raw)
	}
	r = e.do(http.MethodGet, "/zones?page=2", nil)
	r.ok(t, &zones)
	if len(zones) != 0 || r.env.ResultInfo.TotalCount != 3 || r.env.ResultInfo.Page != 2 {
		t.Fatalf("page 2: %s", r.raw)
	}
	e.do(http.MethodGet, "/zones?page=0", nil).fails(t, 400, codeInvalidRequest, "page")
	e.do(http.MethodGet, "/zones?per_page=x", nil).fails(t, 400, codeInvalidRequest, "per_page")

	var one zoneObj
	e.do(http.MethodGet, "/zones/"+e.s.ZoneID("example.net"), nil).ok(t, &one)
	if one.Name != "example.net" {
		t.Fatalf("GET zone: %+v", one)
	}
}

func TestEmulator_TLSClientAuthSetting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type settingObj struct {
		ID         string  `json:"id"`
		Value      string  `json:"value"`
		Editable   bool    `json:"editable"`
		ModifiedOn *string `json:"modified_on"`
	}
	path := e.zonePath("/settings/tls_client_auth")
	var s settingObj
	e.do(http.MethodGet, path, nil).ok(t, &s)
	if s.ID != "tls_client_auth" || s.Value != "off" || !s.Editable || s.ModifiedOn != nil {
		t.Fatalf("default: %+v", s)
	}
	e.clock.Advance(time.Minute)
	e.do(http.MethodPatch, path, map[string]string{"value": "on"}).ok(t, &s)
	want := e.clock.Now().Format(time.RFC3339)
	if s.Value != "on" || s.ModifiedOn == nil || *s.ModifiedOn != want {
		t.Fatalf("after PATCH: %+v", s)
	}
	e.do(http.MethodGet, path, nil).ok(t, &s)
	if s.Value != "on" {
		t.Fatalf("PATCH not kept: %+v", s)
	}
	for name, body := range map[string]any{
		"yes":     map[string]string{"value": "yes"},
		"ON":      map[string]string{"value": "ON"},
		"boolean": map[string]bool{"value": true},
		"null":    `{"value":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			e.do(http.MethodPatch, path, body).fails(t, 400, codeInvalidSetting, "Invalid value for zone setting tls_client_auth")
		})
	}
	e.do(http.MethodPatch, path, map[string]string{}).fails(t, 400, codeInvalidRequest, "value is required")
	e.do(http.MethodPatch, path, "on").fails(t, 400, codeInvalidJSON, "not valid JSON")
	e.do(http.MethodGet, path, nil).ok(t, &s)
	if s.Value != "on" {
		t.Fatalf("a rejected PATCH changed the value: %+v", s)
	}
	// Settings are per zone.
	e.do(http.MethodGet, "/zones/"+e.s.ZoneID("example.org")+"/settings/tls_client_auth", nil).ok(t, &s)
	if s.Value != "off" {
		t.Fatalf("other zone: %+v", s)
	}
}

func TestEmulator_ZoneLevelSetting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := e.aopPath("/settings")
	var s struct{ Enabled bool }
	e.do(http.MethodGet, path, nil).ok(t, &s)
	if s.Enabled {
		t.Fatal("zone-level AOP should default to disabled")
	}
	zc := e.uploadZoneCert(newLeaf(t, certOpts{}))
	if zc.Enabled == nil || *zc.Enabled {
		t.Fatalf("zone certificate enabled %v, want false", zc.Enabled)
	}
	e.do(http.MethodPut, path, map[string]bool{"enabled": true}).ok(t, &s)
	if !s.Enabled {
		t.Fatal("PUT true answered false")
	}
	e.do(http.MethodGet, path, nil).ok(t, &s)
	if !s.Enabled {
		t.Fatal("PUT true not kept")
	}
	var got certObj
	e.do(http.MethodGet, e.aopPath("/"+zc.ID), nil).ok(t, &got)
	if got.Enabled == nil || !*got.Enabled {
		t.Fatalf("zone certificate enabled %v, want true", got.Enabled)
	}
	for name, body := range map[string]any{
		"missing": map[string]any{},
		"string":  map[string]string{"enabled": "true"},
		"null":    `{"enabled":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			e.do(http.MethodPut, path, body).fails(t, 400, codeInvalidRequest, "enabled is required and must be true or false")
		})
	}
	e.do(http.MethodPut, path, "").fails(t, 400, codeInvalidJSON, "empty")
	e.do(http.MethodPut, path, map[string]bool{"enabled": false}).ok(t, &s)
	if s.Enabled {
		t.Fatal("PUT false answered true")
	}
}

func TestEmulator_BodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	big := `{"certificate":"` + strings.Repeat("A", maxBodyBytes) + `"}`
	e.do(http.MethodPost, e.aopPath(""), big).fails(t, 400, codeInvalidJSON, "could not be read")
}
