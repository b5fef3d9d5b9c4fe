package emulator

import (
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"
)

// certPaths are the two certificate collections, which share most rules.
var certPaths = []struct {
	name string
	path string
}{
	{"zone", ""},
	{"hostname", "/hostnames/certificates"},
}

func TestEmulator_UploadKeyFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, kp := range certPaths {
		for _, keyType := range []string{"ecdsa", "ecdsa-pkcs8", "rsa", "rsa-pkcs8", "ed25519"} {
			t.Run(kp.name+"/"+keyType, func(t *testing.T) {
				leaf := newLeaf(t, certOpts{keyType: keyType})
				var got certObj
				e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).ok(t, &got)
				if got.Status != StatusPendingDeployment {
					t.Errorf("status %q, want %q", got.Status, StatusPendingDeployment)
				}
				if len(got.ID) != 36 || !uuidV4RE.MatchString(got.ID) {
					t.Errorf("id %q is not a UUIDv4", got.ID)
				}
				if got.Issuer != "Test Client CA" || got.Signature != "ECDSAWithSHA256" {
					t.Errorf("issuer %q signature %q", got.Issuer, got.Signature)
				}
				if want := leaf.cert.NotAfter.UTC().Format(time.RFC3339); got.ExpiresOn != want {
					t.Errorf("expires_on %q, want %q", got.ExpiresOn, want)
				}
				if got.UploadedOn != e.clock.Now().Format(time.RFC3339) {
					t.Errorf("uploaded_on %q, want %q", got.UploadedOn, e.clock.Now().Format(time.RFC3339))
				}
				if kp.name == "hostname" && got.SerialNumber != leaf.cert.SerialNumber.String() {
					t.Errorf("serial_number %q, want %q", got.SerialNumber, leaf.cert.SerialNumber.String())
				}
				block, _ := pem.Decode([]byte(got.Certificate))
				if block == nil || string(block.Bytes) != string(leaf.cert.Raw) {
					t.Errorf("certificate is not the uploaded one")
				}
			})
		}
	}
}

func TestEmulator_UploadSignatureNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	selfRSA := makeCert(t, certOpts{keyType: "rsa", cn: "self-signed rsa"}, nil)
	var got certObj
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), selfRSA.body()).ok(t, &got)
	if got.Signature != "SHA256WithRSA" || got.Issuer != "self-signed rsa" {
		t.Errorf("signature %q issuer %q, want SHA256WithRSA and the subject CN", got.Signature, got.Issuer)
	}
	selfEd := makeCert(t, certOpts{keyType: "ed25519", cn: "self-signed ed"}, nil)
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), selfEd.body()).ok(t, &got)
	if got.Signature != "Ed25519" {
		t.Errorf("signature %q, want Ed25519", got.Signature)
	}
}

func TestEmulator_UploadValidation(t *testing.T) {
	t.Parallel()
	leaf := newLeaf(t, certOpts{})
	other := newLeaf(t, certOpts{})
	ca := issuingCA(t)
	encrypted := "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"
	legacyEncrypted := "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nMIIB\n-----END EC PRIVATE KEY-----\n"
	cases := []struct {
		name   string
		body   any
		status int
		code   int
		msg    string
	}{
		{"CA certificate", ca.body(), 400, codeLeafOnly, "Only leaf certificate is allowed."},
		{"chain", map[string]string{"certificate": leaf.certPEM + ca.certPEM, "private_key": leaf.keyPEM}, 400, codeInvalidCert, "found 2 certificates"},
		{"not PEM", map[string]string{"certificate": "hello", "private_key": leaf.keyPEM}, 400, codeInvalidCert, "no PEM-encoded certificate"},
		{"key as certificate", map[string]string{"certificate": leaf.keyPEM, "private_key": leaf.keyPEM}, 400, codeInvalidCert, "unexpected PEM block"},
		{"broken DER", map[string]string{"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "private_key": leaf.keyPEM}, 400, codeInvalidCert, "cannot parse"},
		{"key mismatch", map[string]string{"certificate": leaf.certPEM, "private_key": other.keyPEM}, 400, codeKeyMismatch, "The private key does not match the certificate."},
		{"key not PEM", map[string]string{"certificate": leaf.certPEM, "private_key": "secret"}, 400, codeInvalidKey, "no PEM-encoded private key"},
		{"key garbage", map[string]string{"certificate": leaf.certPEM, "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, 400, codeInvalidKey, "cannot parse the private key"},
		{"two keys", map[string]string{"certificate": leaf.certPEM, "private_key": leaf.keyPEM + other.keyPEM}, 400, codeInvalidKey, "found 2 private keys"},
		{"encrypted PKCS#8", map[string]string{"certificate": leaf.certPEM, "private_key": encrypted}, 400, codeInvalidKey, "encrypted"},
		{"encrypted legacy", map[string]string{"certificate": leaf.certPEM, "private_key": legacyEncrypted}, 400, codeInvalidKey, "encrypted"},
		{"missing key", map[string]string{"certificate": leaf.certPEM}, 400, codeInvalidRequest, "private_key is required"},
		{"missing certificate", map[string]string{"private_key": leaf.keyPEM}, 400, codeInvalidRequest, "certificate is required"},
		{"wrong type", map[string]any{"certificate": 7, "private_key": leaf.keyPEM}, 400, codeInvalidRequest, "certificate is required"},
		{"malformed JSON", `{"certificate":`, 400, codeInvalidJSON, "not valid JSON"},
		{"empty body", "", 400, codeInvalidJSON, "empty"},
		{"JSON array", `[]`, 400, codeInvalidJSON, "not valid JSON"},
	}
	for _, kp := range certPaths {
		e := newEnv(t)
		for _, tc := range cases {
			t.Run(kp.name+"/"+tc.name, func(t *testing.T) {
				e.do(http.MethodPost, e.aopPath(kp.path), tc.body).fails(t, tc.status, tc.code, tc.msg)
			})
		}
		var list []certObj
		e.do(http.MethodGet, e.aopPath(kp.path), nil).ok(t, &list)
		if len(list) != 0 {
			t.Errorf("%s: rejected uploads were stored: %+v", kp.name, list)
		}
	}
}

func TestEmulator_UploadAcceptsCRLFAndECParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leaf := newLeaf(t, certOpts{})
	body := map[string]string{
		"certificate": strings.ReplaceAll(leaf.certPEM, "\n", "\r\n") + "\r\n\r\n",
		"private_key": "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + leaf.keyPEM,
	}
	e.do(http.MethodPost, e.aopPath(""), body).ok(t, nil)
}

func TestEmulator_DuplicateCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leaf := newLeaf(t, certOpts{})
	for _, kp := range certPaths {
		e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).ok(t, nil)
		e.do(http.MethodPost, e.aopPath(kp.path), leaf.body()).fails(t, 400, codeCertExists, "This certificate already exists for this zone.")
	}
	// Another zone may hold the same certificate.
	otherZone := "/zones/" + e.s.ZoneID("example.org") + "/origin_tls_client_auth"
	e.do(http.MethodPost, otherZone, leaf.body()).ok(t, nil)

	// Once deletion is requested, the same certificate may be uploaded again.
	var list []certObj
	e.do(http.MethodGet, e.aopPath(""), nil).ok(t, &list)
	e.do(http.MethodDelete, e.aopPath("/"+list[0].ID), nil).ok(t, nil)
	e.do(http.MethodPost, e.aopPath(""), leaf.body()).ok(t, nil)
}

func TestEmulator_HostnameCertificateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ids []string
	for i := 0; i < maxHostnameCerts; i++ {
		ids = append(ids, e.uploadHostnameCert(newLeaf(t, certOpts{})).ID)
	}
	extra := newLeaf(t, certOpts{})
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), extra.body()).fails(t, 400, codeCertLimit, "at most 10 hostname certificates")
	// Zone-level certificates have no such limit.
	e.do(http.MethodPost, e.aopPath(""), extra.body()).ok(t, nil)
	// A certificate pending deletion no longer counts.
	e.do(http.MethodDelete, e.aopPath("/hostnames/certificates/"+ids[0]), nil).ok(t, nil)
	e.do(http.MethodPost, e.aopPath("/hostnames/certificates"), extra.body()).ok(t, nil)
}

func TestEmulator_CertificateLifecycle(t *testing.T) {
	t.Parallel()
	const delay = 10 * time.Second
	for _, kp := range certPaths {
		t.Run(kp.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Delay = delay })
			var up certObj
			e.do(http.MethodPost, e.aopPath(kp.path), newLeaf(t, certOpts{}).body()).ok(t, &up)
			one := e.aopPath(kp.path + "/" + up.ID)
			status := func() string {
				var got certObj
				e.do(http.MethodGet, one, nil).ok(t, &got)
				return got.Status
			}
			listed := func() []certObj {
				var list []certObj
				e.do(http.MethodGet, e.aopPath(kp.path), nil).ok(t, &list)
				return list
			}
			if up.Status != StatusPendingDeployment || status() != StatusPendingDeployment {
				t.Fatalf("want pending_deployment after upload")
			}
			e.clock.Advance(delay - time.Millisecond)
			if s := status(); s != StatusPendingDeployment {
				t.Fatalf("status %q before the delay, want pending_deployment", s)
			}
			e.clock.Advance(time.Millisecond)
			if s := status(); s != StatusActive {
				t.Fatalf("status %q after the delay, want active", s)
			}

			var del certObj
			e.do(http.MethodDelete, one, nil).ok(t, &del)
			if del.Status != StatusPendingDeletion || status() != StatusPendingDeletion {
				t.Fatalf("want pending_deletion after DELETE, got %q", del.Status)
			}
			if l := listed(); len(l) != 1 || l[0].Status != StatusPendingDeletion {
				t.Fatalf("a certificate pending deletion is listed with its status, got %+v", l)
			}
			// A certificate pending deletion rejects changes, a second
			// delete included.
			e.do(http.MethodDelete, one, nil).fails(t, 400, codeCertPendingDeletion, "pending deletion")

			e.clock.Advance(delay)
			if s := status(); s != StatusDeleted {
				t.Fatalf("status %q, want deleted", s)
			}
			if l := listed(); len(l) != 0 {
				t.Fatalf("deleted certificates must not be listed, got %+v", l)
			}
			e.do(http.MethodDelete, one, nil).fails(t, 404, codeCertNotFound, msgCertNotFound)

			e.clock.Advance(delay)
			e.do(http.MethodGet, one, nil).fails(t, 404, codeCertNotFound, msgCertNotFound)
		})
	}
}

func TestEmulator_ZeroDelayGivesFinalStateOnNextRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, kp := range certPaths {
		var up, got certObj
		e.do(http.MethodPost, e.aopPath(kp.path), newLeaf(t, certOpts{}).body()).ok(t, &up)
		if up.Status != StatusPendingDeployment {
			t.Errorf("%s: upload answered %q", kp.name, up.Status)
		}
		one := e.aopPath(kp.path + "/" + up.ID)
		e.do(http.MethodGet, one, nil).ok(t, &got)
		if got.Status != StatusActive {
			t.Errorf("%s: next read %q, want active", kp.name, got.Status)
		}
		e.do(http.MethodDelete, one, nil).ok(t, &got)
		if got.Status != StatusPendingDeletion {
			t.Errorf("%s: DELETE answered %q", kp.name, got.Status)
		}
		e.do(http.MethodGet, one, nil).fails(t, 404, codeCertNotFound, "")
	}
}

func TestEmulator_SetDelayAppliesToLaterChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.s.SetDelay(time.Minute)
	second := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	var a, b certObj
	e.do(http.MethodGet, e.aopPath("/hostnames/certificates/"+first.ID), nil).ok(t, &a)
	e.do(http.MethodGet, e.aopPath("/hostnames/certificates/"+second.ID), nil).ok(t, &b)
	if a.Status != StatusActive || b.Status != StatusPendingDeployment {
		t.Fatalf("statuses %q and %q, want active and pending_deployment", a.Status, b.Status)
	}
}

func TestEmulator_CertificateNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	zc := e.uploadZoneCert(newLeaf(t, certOpts{}))
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	for _, p := range []string{
		"/" + newUUID(),
		"/hostnames/certificates/" + newUUID(),
		"/hostnames/certificates/" + zc.ID, // a zone certificate is not a hostname certificate
		"/" + hc.ID,                        // and the other way round
	} {
		e.do(http.MethodGet, e.aopPath(p), nil).fails(t, 404, codeCertNotFound, msgCertNotFound)
		e.do(http.MethodDelete, e.aopPath(p), nil).fails(t, 404, codeCertNotFound, msgCertNotFound)
	}
	// Another zone's certificate is not found either.
	other := "/zones/" + e.s.ZoneID("example.org") + "/origin_tls_client_auth/" + zc.ID
	e.do(http.MethodGet, other, nil).fails(t, 404, codeCertNotFound, msgCertNotFound)
}

func TestEmulator_DeleteHostnameCertificateInUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hc := e.uploadHostnameCert(newLeaf(t, certOpts{}))
	e.bind("b.example.com", hc.ID, ptr(true)).ok(t, nil)
	e.bind("a.example.com", hc.ID, ptr(false)).ok(t, nil)
	one := e.aopPath("/hostnames/certificates/" + hc.ID)
	e.do(http.MethodDelete, one, nil).fails(t, 400, codeCertInUse, "in use by hostname associations: a.example.com, b.example.com")

	e.bind("a.example.com", hc.ID, nil).ok(t, nil)
	e.do(http.MethodDelete, one, nil).fails(t, 400, codeCertInUse, "b.example.com")
	e.bind("b.example.com", hc.ID, nil).ok(t, nil)
	e.do(http.MethodDelete, one, nil).ok(t, nil)
}

func TestEmulator_PrivateKeysNeverAnswered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leaf := newLeaf(t, certOpts{})
	var answers []string
	for _, kp := range certPaths {
		r := e.do(http.MethodPost, e.aopPath(kp.path), leaf.body())
		var got certObj
		r.ok(t, &got)
		answers = append(answers, string(r.raw),
			string(e.do(http.MethodGet, e.aopPath(kp.path), nil).raw),
			string(e.do(http.MethodGet, e.aopPath(kp.path+"/"+got.ID), nil).raw))
		if kp.name == "hostname" {
			answers = append(answers, string(e.bind("app.example.com", got.ID, ptr(true)).raw),
				string(e.do(http.MethodGet, e.aopPath("/hostnames/app.example.com"), nil).raw))
		}
	}
	answers = append(answers, string(e.do(http.MethodGet, "/__emulator/state", nil).raw))
	for _, a := range answers {
		if strings.Contains(a, "PRIVATE KEY") || strings.Contains(a, "private_key") {
			t.Fatalf("an answer carries a private key: %s", a)
		}
	}
}
