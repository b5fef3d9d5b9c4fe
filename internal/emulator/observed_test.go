package emulator

import (
	"bytes"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"
)

// The tests in this file pin the behaviours the package documentation marks
// [obs] (observed at Cloudflare, doc.go); the codes are written out as numbers on
// purpose, so that renumbering a constant cannot pass unnoticed.

func TestEmulator_ObservedNoAssociationIs404With1553(t *testing.T) {
	e := newEnv(t)
	e.do(http.MethodGet, e.aopPath("/hostnames/nobody.example.com"), nil).
		fails(t, 404, 1553, "setting for this hostname not found")
}

func TestEmulator_ObservedCertificateInUseIs1433(t *testing.T) {
	e := newEnv(t)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("app.example.com", hc.ID, ptr(false)).ok(t, nil)
	e.do(http.MethodDelete, e.aopPath("/hostnames/certificates/"+hc.ID), nil).fails(t, 400, 1433, "app.example.com")
}

func TestEmulator_ObservedDeleteDuringDeploymentIs1434(t *testing.T) {
	const delay = 10 * time.Second
	for _, kp := range certPaths {
		t.Run(kp.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Delay = delay })
			var up certObj
			e.do(http.MethodPost, e.aopPath(kp.path), newLeaf(t, certOpts{}).body()).ok(t, &up)
			one := e.aopPath(kp.path + "/" + up.ID)
			e.do(http.MethodDelete, one, nil).fails(t, 400, 1434, "pending deployment")
			var got certObj
			if e.do(http.MethodGet, one, nil).ok(t, &got); got.Status != StatusPendingDeployment {
				t.Fatalf("a refused delete changed the status to %q", got.Status)
			}
			e.clock.Advance(delay) // active: the refusal clears
			e.do(http.MethodDelete, one, nil).ok(t, &got)
			if got.Status != StatusPendingDeletion {
				t.Fatalf("delete of an active certificate answered %q", got.Status)
			}
		})
	}
}

func TestEmulator_ObservedPendingDeletionRejectsChangesWith1414(t *testing.T) {
	const delay = 10 * time.Second
	e := newEnv(t, func(c *Config) { c.Delay = delay })
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.clock.Advance(delay)
	one := e.aopPath("/hostnames/certificates/" + hc.ID)
	e.do(http.MethodDelete, one, nil).ok(t, nil)

	e.bind("app.example.com", hc.ID, ptr(true)).fails(t, 400, 1414, "pending deletion")
	e.bind("app.example.com", hc.ID, nil).fails(t, 400, 1414, "pending deletion")
	e.do(http.MethodDelete, one, nil).fails(t, 400, 1414, "pending deletion")

	e.clock.Advance(delay) // deleted: an invalid or deleted ID is 1415 again
	e.bind("app.example.com", hc.ID, ptr(true)).fails(t, 400, 1415, msgInvalidCertID)
}

func TestEmulator_ObservedUploadCodes(t *testing.T) {
	e := newEnv(t)
	leaf := newLeaf(t, certOpts{})
	for _, kp := range certPaths {
		e.do(http.MethodPost, e.aopPath(kp.path), map[string]string{"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "private_key": leaf.keyPEM}).
			fails(t, 400, 1408, "Unable to parse the certificate")
		// Our own code for a bad key: it must not collide with 1414 (pending deletion).
		e.do(http.MethodPost, e.aopPath(kp.path), map[string]string{"certificate": leaf.certPEM, "private_key": "secret"}).
			fails(t, 400, 1421, "Invalid private key")
	}
}

func TestEmulator_ObservedReuploadWhilePendingDeletionAndAfter(t *testing.T) {
	const delay = 10 * time.Second
	for _, kp := range certPaths {
		t.Run(kp.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Delay = delay })
			leaf := newLeaf(t, certOpts{})
			var first certObj
			e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).ok(t, &first)
			e.clock.Advance(delay)
			e.do(http.MethodDelete, e.aopPath(kp.path+"/"+first.ID), nil).ok(t, nil)

			e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).fails(t, 400, 1406, msgCertExists)

			e.clock.Advance(delay) // deleted, not yet purged
			var again certObj
			e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).ok(t, &again)
			if again.ID != first.ID || again.Status != StatusPendingDeployment {
				t.Fatalf("re-upload after deletion answered %s (%s), want the old ID %s pending deployment", again.ID, again.Status, first.ID)
			}
			var list []certObj
			e.do(http.MethodGet, e.aopPath(kp.path), nil).ok(t, &list)
			if len(list) != 1 || list[0].ID != first.ID {
				t.Fatalf("after the re-upload the zone lists %+v, want the one certificate", list)
			}
		})
	}
}

func TestEmulator_ObservedEmptyZoneCertificateListIsNull(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodGet, e.aopPath(""), nil)
	r.ok(t, nil)
	if !bytes.Equal(r.env.Result, []byte("null")) || r.env.ResultInfo == nil || r.env.ResultInfo.Count != 0 {
		t.Fatalf("empty zone certificate list answered result %s, result_info %+v; want null and a zero count", r.env.Result, r.env.ResultInfo)
	}
	e.uploadZoneCert(newLeaf(t, certOpts{}))
	var list []certObj
	if e.do(http.MethodGet, e.aopPath(""), nil).ok(t, &list); len(list) != 1 {
		t.Fatalf("list after one upload: %+v", list)
	}
}

func TestEmulator_ObservedCertificateIDsAreUUIDs(t *testing.T) {
	e := newEnv(t)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, id := range []string{e.uploadZoneCert(newLeaf(t, certOpts{})).ID, e.uploadHostnameCert(newLeaf(t, certOpts{})).ID} {
		if !uuid.MatchString(id) {
			t.Errorf("certificate ID %q is not a UUID", id)
		}
	}
}

// The edge presents the zone certificate that became active last, which is
// not always the last uploaded one.
func TestEmulator_EdgePresentsMostRecentlyDeployedZoneCertificate(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Delay = time.Minute })
	slow := e.uploadZoneCert(newLeaf(t, certOpts{})) // active after a minute
	e.s.SetDelay(time.Second)
	fast := e.uploadZoneCert(newLeaf(t, certOpts{})) // active after a second
	e.setZoneLevel(true)
	e.clock.Advance(2 * time.Second)
	if got := e.s.chooseClientCert("app.example.com"); got.certID != fast.ID {
		t.Fatalf("with one active zone certificate the edge presents %q, want %s", got.certID, fast.ID)
	}
	e.clock.Advance(time.Minute)
	if got := e.s.chooseClientCert("app.example.com"); got.certID != slow.ID {
		t.Fatalf("the edge presents %q, want %s: uploaded first, but deployed last", got.certID, slow.ID)
	}
}

// awaitZoneCertWrite waits until a zone-certificate write holds the test
// zone, so that the request sent next overlaps it however late a loaded
// machine runs the goroutine that sent the first (a fixed sleep did not
// hold under make test's load).
func (e *testEnv) awaitZoneCertWrite(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		e.s.mu.Lock()
		busy := time.Now().Before(e.s.zonesByID[e.zoneID].zoneCertBusyUntil)
		e.s.mu.Unlock()
		if busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no zone-certificate write held the zone within 10 s")
		}
	}
}

// Two zone-certificate writes at once in one zone: the second gets HTTP 409
// and is not applied; other zones, hostname certificates and writes that
// wait for the previous answer are not affected.
func TestEmulator_ObservedConcurrentZoneCertificateWritesGet409(t *testing.T) {
	const window = 400 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.ZoneCertWriteTime = window })
	first, second := newLeaf(t, certOpts{}), newLeaf(t, certOpts{})

	var wg sync.WaitGroup
	var firstResp *apiResp
	started := time.Now()
	wg.Go(func() { firstResp = e.do(http.MethodPost, e.aopPath(""), first.body()) })
	e.awaitZoneCertWrite(t)
	e.do(http.MethodPost, e.aopPath(""), second.body()).fails(t, 409, 1435, "in progress")
	e.uploadHostnameCert(newLeaf(t, certOpts{})) // not a zone certificate
	otherZone := "/zones/" + e.s.ZoneID("example.org") + "/origin_tls_client_auth"
	e.do(http.MethodPost, otherZone, newLeaf(t, certOpts{}).body()).ok(t, nil)
	wg.Wait()
	var up certObj
	firstResp.ok(t, &up)
	if held := time.Since(started); held < window {
		t.Fatalf("the first upload was answered after %s, before its write time %s", held, window)
	}
	var list []certObj
	if e.do(http.MethodGet, e.aopPath(""), nil).ok(t, &list); len(list) != 1 || list[0].ID != up.ID {
		t.Fatalf("the refused upload was applied: %+v", list)
	}

	// Sequential writes never conflict: each answer comes after its window.
	zc := e.uploadZoneCert(second)
	e.do(http.MethodDelete, e.aopPath("/"+zc.ID), nil).ok(t, nil)

	// A delete conflicts with an upload in progress, too.
	wg.Go(func() { firstResp = e.do(http.MethodPost, e.aopPath(""), newLeaf(t, certOpts{}).body()) })
	e.awaitZoneCertWrite(t)
	e.do(http.MethodDelete, e.aopPath("/"+up.ID), nil).fails(t, 409, 1435, "in progress")
	wg.Wait()
	firstResp.ok(t, nil)

	// Off: no conflicts, no held answers.
	e.s.SetZoneCertWriteTime(0)
	wg.Go(func() { firstResp = e.do(http.MethodPost, e.aopPath(""), newLeaf(t, certOpts{}).body()) })
	e.do(http.MethodPost, e.aopPath(""), newLeaf(t, certOpts{}).body()).ok(t, nil)
	wg.Wait()
	firstResp.ok(t, nil)
}
