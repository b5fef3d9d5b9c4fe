package emulator

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func (e *testEnv) getAssoc(hostname string) (assocObj, *apiResp) {
	e.t.Helper()
	r := e.do(http.MethodGet, e.aopPath("/hostnames/"+hostname), nil)
	var a assocObj
	if r.status == http.StatusOK {
		r.ok(e.t, &a)
	}
	return a, r
}

func TestEmulator_AssociationLifecycle(t *testing.T) {
	t.Parallel()
	const delay = 5 * time.Second
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))

	var put []assocObj
	e.bind("App.Example.com.", hc.ID, ptr(true)).ok(t, &put)
	if len(put) != 1 || put[0].Hostname != "app.example.com" || put[0].Status != StatusPendingDeployment ||
		put[0].Enabled == nil || !*put[0].Enabled || put[0].CertStatus != StatusPendingDeployment {
		t.Fatalf("PUT answered %+v", put)
	}
	a, _ := e.getAssoc("app.example.com")
	if a.Status != StatusPendingDeployment || a.CertID != hc.ID {
		t.Fatalf("GET %+v", a)
	}
	e.clock.Advance(delay)
	a, _ = e.getAssoc("app.example.com")
	if a.Status != StatusActive || a.CertStatus != StatusActive {
		t.Fatalf("after the delay: %+v", a)
	}

	// Repeating the same item changes nothing.
	e.clock.Advance(time.Second)
	e.bind("app.example.com", hc.ID, ptr(true)).ok(t, &put)
	if put[0].Status != StatusActive || put[0].UpdatedAt != a.UpdatedAt {
		t.Fatalf("an unchanged item was redeployed: %+v (before %+v)", put[0], a)
	}

	// Disabling keeps the association, disabled.
	e.bind("app.example.com", hc.ID, ptr(false)).ok(t, &put)
	if put[0].Status != StatusPendingDeployment || put[0].Enabled == nil || *put[0].Enabled {
		t.Fatalf("disable answered %+v", put[0])
	}
	e.clock.Advance(delay)
	a, _ = e.getAssoc("app.example.com")
	if a.Status != StatusActive || a.Enabled == nil || *a.Enabled || a.CreatedAt != put[0].CreatedAt {
		t.Fatalf("disabled association: %+v", a)
	}

	// enabled: null removes it: pending_deletion, then gone.
	e.bind("app.example.com", hc.ID, nil).ok(t, &put)
	if put[0].Status != StatusPendingDeletion || put[0].Enabled != nil {
		t.Fatalf("removal answered %+v", put[0])
	}
	a, _ = e.getAssoc("app.example.com")
	if a.Status != StatusPendingDeletion || a.Enabled != nil {
		t.Fatalf("GET while pending deletion: %+v", a)
	}
	e.clock.Advance(delay)
	_, r := e.getAssoc("app.example.com")
	r.fails(t, 404, codeHostnameNotFound, msgHostnameNotFound)

	// Removing what is not associated is a no-op.
	e.bind("app.example.com", hc.ID, nil).ok(t, &put)
	if put[0].Status != StatusDeleted {
		t.Fatalf("removing nothing answered %+v", put[0])
	}
}

func TestEmulator_AssociationZeroDelay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("example.com", hc.ID, ptr(true)).ok(t, nil) // the apex is inside the zone
	if a, _ := e.getAssoc("example.com"); a.Status != StatusActive {
		t.Fatalf("status %q, want active", a.Status)
	}
	e.bind("example.com", hc.ID, nil).ok(t, nil)
	_, r := e.getAssoc("example.com")
	r.fails(t, 404, codeHostnameNotFound, "")
}

func TestEmulator_AssociationSwitchAndReAdd(t *testing.T) {
	t.Parallel()
	const delay = 5 * time.Second
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	a := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	b := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.clock.Advance(delay)
	e.bind("app.example.com", a.ID, ptr(true)).ok(t, nil)
	e.clock.Advance(delay)
	first, _ := e.getAssoc("app.example.com")

	var put []assocObj
	e.bind("app.example.com", b.ID, ptr(true)).ok(t, &put)
	if put[0].CertID != b.ID || put[0].Status != StatusPendingDeployment || put[0].CreatedAt != first.CreatedAt {
		t.Fatalf("switch answered %+v", put[0])
	}
	// While pending deletion, the association can be added again at once.
	e.bind("app.example.com", b.ID, nil).ok(t, nil)
	e.clock.Advance(time.Second)
	e.bind("app.example.com", a.ID, ptr(true)).ok(t, &put)
	if put[0].Status != StatusPendingDeployment || put[0].CreatedAt == first.CreatedAt {
		t.Fatalf("re-add answered %+v", put[0])
	}
	e.clock.Advance(delay)
	if got, _ := e.getAssoc("app.example.com"); got.Status != StatusActive || got.CertID != a.ID {
		t.Fatalf("re-added association: %+v", got)
	}
}

func TestEmulator_AssociationValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Delay = time.Minute })
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	zc := e.uploadZoneCert(newLeaf(t, certOpts{}))
	gone := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.clock.Advance(time.Minute)                                                           // active: a certificate pending deployment cannot be deleted
	e.do(http.MethodDelete, e.aopPath("/hostnames/certificates/"+gone.ID), nil).ok(t, nil) // pending deletion

	item := func(host string, certID any, enabled any) map[string]any {
		return map[string]any{"hostname": host, "cert_id": certID, "enabled": enabled}
	}
	valid := item("ok.example.com", hc.ID, true)
	cases := []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"other zone", map[string]any{"config": []any{valid, item("app.example.org", hc.ID, true)}}, codeInvalidHostname, "not inside zone example.com"},
		{"suffix trick", map[string]any{"config": []any{item("badexample.com", hc.ID, true)}}, codeInvalidHostname, "not inside zone"},
		{"invalid hostname", map[string]any{"config": []any{item("a b.example.com", hc.ID, true)}}, codeInvalidHostname, "not a valid hostname"},
		{"wildcard", map[string]any{"config": []any{item("*.example.com", hc.ID, true)}}, codeInvalidHostname, "not a valid hostname"},
		{"missing hostname", map[string]any{"config": []any{map[string]any{"cert_id": hc.ID, "enabled": true}}}, codeInvalidRequest, "config[0].hostname is required"},
		{"zone certificate", map[string]any{"config": []any{valid, item("x.example.com", zc.ID, true)}}, codeInvalidCertID, msgInvalidCertID},
		{"unknown certificate", map[string]any{"config": []any{item("x.example.com", newUUID(), true)}}, codeInvalidCertID, msgInvalidCertID},
		{"certificate pending deletion", map[string]any{"config": []any{item("x.example.com", gone.ID, true)}}, codeCertPendingDeletion, "pending deletion"},
		{"removal with certificate pending deletion", map[string]any{"config": []any{valid, item("x.example.com", gone.ID, nil)}}, codeCertPendingDeletion, "pending deletion"},
		{"missing cert_id", map[string]any{"config": []any{map[string]any{"hostname": "x.example.com", "enabled": true}}}, codeInvalidCertID, msgInvalidCertID},
		{"removal with unknown cert", map[string]any{"config": []any{item("x.example.com", newUUID(), nil)}}, codeInvalidCertID, msgInvalidCertID},
		{"duplicate hostname", map[string]any{"config": []any{valid, item("OK.example.com", hc.ID, false)}}, codeDuplicateHost, "ok.example.com appears more than once"},
		{"missing enabled", map[string]any{"config": []any{map[string]any{"hostname": "x.example.com", "cert_id": hc.ID}}}, codeInvalidRequest, "config[0].enabled is required"},
		{"enabled string", map[string]any{"config": []any{item("x.example.com", hc.ID, "yes")}}, codeInvalidRequest, "must be true, false or null"},
		{"empty config", map[string]any{"config": []any{}}, codeInvalidRequest, "config is required"},
		{"no config", map[string]any{}, codeInvalidRequest, "config is required"},
		{"config object", map[string]any{"config": valid}, codeInvalidRequest, "config is required"},
		{"item not object", map[string]any{"config": []any{"x"}}, codeInvalidRequest, "config is required"},
		{"malformed", `{"config":[`, codeInvalidJSON, "not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.do(http.MethodPut, e.aopPath("/hostnames"), tc.body).fails(t, 400, tc.code, tc.msg)
			// Atomic: the valid item of a rejected request is not applied.
			if _, r := e.getAssoc("ok.example.com"); r.status != http.StatusNotFound {
				t.Fatalf("a rejected request was partly applied: %s", r.raw)
			}
		})
	}
}

func TestEmulator_AssociationLimitPerCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	other := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	items := func(from, to int, certID string) map[string]any {
		var config []map[string]any
		for i := from; i < to; i++ {
			config = append(config, map[string]any{"hostname": fmt.Sprintf("h%03d.example.com", i), "cert_id": certID, "enabled": i%2 == 0})
		}
		return map[string]any{"config": config}
	}
	// 101 in one request: rejected, nothing applied.
	e.do(http.MethodPut, e.aopPath("/hostnames"), items(0, 101, hc.ID)).fails(t, 400, codeAssociationLimit, "at most 100")
	if _, r := e.getAssoc("h000.example.com"); r.status != http.StatusNotFound {
		t.Fatalf("rejected request was applied")
	}
	// 100 is the limit (disabled associations count).
	e.do(http.MethodPut, e.aopPath("/hostnames"), items(0, 100, hc.ID)).ok(t, nil)
	e.do(http.MethodPut, e.aopPath("/hostnames"), items(100, 101, hc.ID)).fails(t, 400, codeAssociationLimit, "would be associated with 101 hostnames")
	// Moving one association away in the same request makes room.
	body := items(100, 101, hc.ID)
	body["config"] = append(body["config"].([]map[string]any), map[string]any{"hostname": "h000.example.com", "cert_id": other.ID, "enabled": true})
	e.do(http.MethodPut, e.aopPath("/hostnames"), body).ok(t, nil)
	// Removing one makes room too.
	e.bind("h001.example.com", hc.ID, nil).ok(t, nil)
	e.bind("h200.example.com", hc.ID, ptr(true)).ok(t, nil)
}

func TestEmulator_AssociationNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, r := e.getAssoc("nothing.example.com")
	r.fails(t, 404, codeHostnameNotFound, msgHostnameNotFound)
	// The same hostname in another zone is separate.
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("app.example.com", hc.ID, ptr(true)).ok(t, nil)
	other := "/zones/" + e.s.ZoneID("example.org") + "/origin_tls_client_auth/hostnames/app.example.com"
	e.do(http.MethodGet, other, nil).fails(t, 404, codeHostnameNotFound, "")
}
