package emulator

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEmulator_Counts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("app.example.com", hc.ID, ptr(true)).ok(t, nil)
	e.bind("api.example.com", hc.ID, ptr(true)).ok(t, nil)
	e.do(http.MethodGet, e.aopPath("/hostnames/app.example.com"), nil).ok(t, nil)
	e.doWith(http.MethodGet, "/zones", nil, nil) // unauthenticated requests count too
	e.do(http.MethodGet, "/__emulator/state", nil)
	e.do(http.MethodGet, "/__emulator/requests", nil)
	e.doWith(http.MethodGet, CAPath, nil, nil)

	want := map[string]int{
		"POST /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates": 1,
		"PUT /zones/{zone_id}/origin_tls_client_auth/hostnames":               2,
		"GET /zones/{zone_id}/origin_tls_client_auth/hostnames/{hostname}":    1,
		"GET /zones":    1,
		"GET " + CAPath: 1,
	}
	got := e.s.Counts()
	if len(got) != len(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("counts %v, want %v", got, want)
		}
	}
	// The admin endpoint answers the same map.
	var viaHTTP map[string]int
	if err := json.Unmarshal(e.do(http.MethodGet, "/__emulator/requests", nil).raw, &viaHTTP); err != nil || len(viaHTTP) != len(want) {
		t.Fatalf("admin requests: %v %v", viaHTTP, err)
	}
	// Counts returns a copy.
	got["GET /zones"] = 99
	if e.s.Counts()["GET /zones"] != 1 {
		t.Fatal("Counts must return a copy")
	}
	e.s.ResetCounts()
	if len(e.s.Counts()) != 0 {
		t.Fatal("ResetCounts left counts")
	}
}

func TestEmulator_SnapshotAndReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Delay = time.Minute })
	leaf := newLeaf(t, certOpts{})
	zc := e.uploadZoneCert(leaf)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("app.example.com", hc.ID, ptr(false)).ok(t, nil)
	e.do(http.MethodPatch, e.zonePath("/settings/tls_client_auth"), map[string]string{"value": "on"}).ok(t, nil)
	e.do(http.MethodPut, e.aopPath("/settings"), map[string]bool{"enabled": true}).ok(t, nil)

	st := e.s.Snapshot()
	if len(st.Zones) != 2 || st.Delay != "1m0s" || !st.Now.Equal(e.clock.Now()) {
		t.Fatalf("snapshot: %+v", st)
	}
	z := st.Zones[0]
	if z.ID != e.zoneID || z.Name != testZone || z.Settings.TLSClientAuth != "on" || z.Settings.TLSClientAuthModifiedOn == nil || !z.Settings.ZoneLevelEnabled {
		t.Fatalf("zone: %+v", z)
	}
	if len(z.ZoneCertificates) != 1 || z.ZoneCertificates[0].ID != zc.ID || z.ZoneCertificates[0].Status != StatusPendingDeployment {
		t.Fatalf("zone certificates: %+v", z.ZoneCertificates)
	}
	block, _ := pem.Decode([]byte(z.ZoneCertificates[0].Certificate))
	if c, err := x509.ParseCertificate(block.Bytes); err != nil || !c.Equal(leaf.cert) {
		t.Fatalf("snapshot certificate: %v", err)
	}
	if len(z.HostnameCertificates) != 1 || len(z.Bindings) != 1 || z.Bindings[0].Enabled == nil || *z.Bindings[0].Enabled {
		t.Fatalf("hostname state: %+v %+v", z.HostnameCertificates, z.Bindings)
	}
	// A deep copy: changing it changes nothing.
	z.ZoneCertificates[0].Status = "changed"
	if e.s.Snapshot().Zones[0].ZoneCertificates[0].Status == "changed" {
		t.Fatal("Snapshot is not a copy")
	}
	// JSON-serialisable, through the admin endpoint too.
	var viaHTTP State
	if err := json.Unmarshal(e.do(http.MethodGet, "/__emulator/state", nil).raw, &viaHTTP); err != nil || len(viaHTTP.Zones) != 2 {
		t.Fatalf("admin state: %v", err)
	}

	e.s.Reset()
	z = e.s.Snapshot().Zones[0]
	if len(z.ZoneCertificates)+len(z.HostnameCertificates)+len(z.Bindings) != 0 || z.Settings.TLSClientAuth != "off" || z.Settings.ZoneLevelEnabled {
		t.Fatalf("after Reset: %+v", z)
	}
	if e.s.ZoneID(testZone) != e.zoneID {
		t.Fatal("Reset must keep the zones")
	}
	e.do(http.MethodGet, e.aopPath("/"+zc.ID), nil).fails(t, 404, codeCertNotFound, "")
}

func TestEmulator_AdminEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ok := func(method, path string, body any) {
		t.Helper()
		r := e.do(method, path, body)
		if r.status != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, r.status, r.raw)
		}
	}

	e.uploadZoneCert(newLeaf(t, certOpts{}))
	e.do(http.MethodGet, "/zones", nil)
	ok(http.MethodPost, "/__emulator/reset", nil)
	if len(e.s.Snapshot().Zones[0].ZoneCertificates) != 0 || len(e.s.Counts()) == 0 {
		t.Fatal("reset without counts=true should wipe state and keep counts")
	}
	ok(http.MethodPost, "/__emulator/reset?counts=true", nil)
	if len(e.s.Counts()) != 0 {
		t.Fatal("reset?counts=true should clear the counts")
	}

	ok(http.MethodPost, "/__emulator/delay?d=2s", nil)
	if e.s.Snapshot().Delay != "2s" {
		t.Fatalf("delay %q", e.s.Snapshot().Delay)
	}
	e.do(http.MethodPost, "/__emulator/delay?d=soon", nil).fails(t, 400, codeInvalidRequest, "duration")
	e.do(http.MethodPost, "/__emulator/delay?d=-1s", nil).fails(t, 400, codeInvalidRequest, "duration")

	ok(http.MethodPost, "/__emulator/faults", `{"latency":"1ms","fail_next":[{"method":"GET","path_contains":"/settings","status":503,"hang":"5ms","times":1}]}`)
	e.do(http.MethodGet, e.aopPath("/settings"), nil).fails(t, 503, codeInjectedFault, "")
	e.do(http.MethodGet, e.aopPath("/settings"), nil).ok(t, nil)
	ok(http.MethodPost, "/__emulator/faults", `{"latency":1000,"fail_next":[{"hang":null}]}`)
	if e.s.faults.Latency != time.Microsecond || len(e.s.faults.FailNext) != 1 {
		t.Fatalf("faults %+v", e.s.faults)
	}
	ok(http.MethodPost, "/__emulator/faults", `{}`)
	e.do(http.MethodPost, "/__emulator/faults", `{"latency":"soon"}`).fails(t, 400, codeInvalidJSON, "Invalid faults")
	e.do(http.MethodPost, "/__emulator/faults", `{"fail_next":[{"stauts":500}]}`).fails(t, 400, codeInvalidJSON, "unknown field")
	ok(http.MethodPost, "/__emulator/faults", `{"fail_next":[{"method":"GET","truncate":true,"probability":0.5}]}`)
	if len(e.s.faults.FailNext) != 1 || !e.s.faults.FailNext[0].Truncate {
		t.Fatalf("faults %+v", e.s.faults)
	}
	e.do(http.MethodPost, "/__emulator/faults", `{"fail_next":[{"truncate":true,"status":503}]}`).fails(t, 400, codeInvalidJSON, "cannot be combined")
	ok(http.MethodPost, "/__emulator/faults", `{}`)

	r := e.do(http.MethodGet, "/__emulator/gaps?zone_id="+e.zoneID+"&hostname=app.example.com", nil)
	if r.status != http.StatusOK || strings.TrimSpace(string(r.raw)) != "[]" {
		t.Fatalf("gaps: %d %s", r.status, r.raw)
	}

	e.do(http.MethodGet, "/__emulator/nothing", nil).fails(t, 404, codeNoRoute, "")
	r = e.do(http.MethodGet, "/__emulator/reset", nil)
	r.fails(t, 405, codeMethodNotAllowed, "")
	if r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	e.doWith(http.MethodPost, "/__emulator/reset", nil, nil).fails(t, 403, codeAuth, msgAuth)
	for k := range e.s.Counts() {
		if strings.Contains(k, "__emulator") {
			t.Fatalf("admin requests were counted: %v", e.s.Counts())
		}
	}
}
