package cfapi

import (
	"context"
	"net/http"
	"testing"
)

const conflictBody = `{"success":false,"errors":[{"code":1435,"message":"Another zone certificate upload or deletion is in progress for this zone"}],"messages":[],"result":null}`

// A 409 means Cloudflare did not apply the write: uploads (POST) and deletes
// are sent again until accepted.
func TestConflict_uploadAndDeleteAreRepeated(t *testing.T) {
	const id = "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
	for _, kind := range []CertificateKind{ZoneCertificate, HostnameCertificate} {
		t.Run(kind.String(), func(t *testing.T) {
			up := &scripted{answers: []func(http.ResponseWriter, *http.Request){
				answer(http.StatusConflict, conflictBody),
				answer(http.StatusConflict, conflictBody),
				answer(http.StatusOK, envelope(`{"id":"`+id+`","status":"pending_deployment"}`)),
			}}
			c, _ := newTestClient(t, up)
			got, err := c.UploadCertificate(context.Background(), kind, testZone, "cert", fakeKey)
			if err != nil || got.ID != id {
				t.Fatalf("upload after two 409s: %+v, %v", got, err)
			}
			if n := up.calls.Load(); n != 3 {
				t.Fatalf("upload sent %d times, want 3", n)
			}

			del := &scripted{answers: []func(http.ResponseWriter, *http.Request){
				answer(http.StatusConflict, conflictBody),
				answer(http.StatusOK, envelope(`{"id":"`+id+`","status":"pending_deletion"}`)),
			}}
			c, _ = newTestClient(t, del)
			if err := c.DeleteCertificate(context.Background(), kind, testZone, id); err != nil {
				t.Fatalf("delete after a 409: %v", err)
			}
			if n := del.calls.Load(); n != 2 {
				t.Fatalf("delete sent %d times, want 2", n)
			}
		})
	}
}

func TestConflict_givesUpAfterAttempts(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(http.StatusConflict, conflictBody)}}
	c, _ := newTestClient(t, s)
	_, err := c.UploadCertificate(context.Background(), ZoneCertificate, testZone, "cert", fakeKey)
	if !IsConflict(err) {
		t.Fatalf("want the 409 after giving up, got %v", err)
	}
	if n := s.calls.Load(); n != conflictAttempts {
		t.Fatalf("sent %d times, want %d", n, conflictAttempts)
	}
}

// Other refusals are not repeated.
func TestConflict_otherErrorsAreNotRepeated(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(http.StatusBadRequest, failure(1406, "This certificate already exists for this zone."))}}
	c, _ := newTestClient(t, s)
	if _, err := c.UploadCertificate(context.Background(), ZoneCertificate, testZone, "cert", fakeKey); !HasCode(err, CodeCertificateExists) {
		t.Fatalf("want 1406, got %v", err)
	}
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("a 400 was sent %d times", n)
	}
}

// Observed: no association for a hostname is HTTP 404 with code 1553.
func TestIsNotFound_hostnameWithoutAssociation(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(http.StatusNotFound, failure(1553, "Authenticated Origin Pulls setting for this hostname not found"))}}
	c, _ := newTestClient(t, s)
	_, err := c.GetBinding(context.Background(), testZone, "app.example.com")
	if !IsNotFound(err) || !HasCode(err, CodeHostnameSettingNotFound) {
		t.Fatalf("want not found with 1553, got %v", err)
	}
	// The code alone says it, whatever the status.
	if !IsNotFound(&APIError{StatusCode: http.StatusBadRequest, Errors: []ErrorItem{{Code: 1553}}}) {
		t.Fatal("code 1553 with HTTP 400 is not treated as not found")
	}
}

// Observed: a zone without zone certificates lists "result": null.
func TestListCertificates_nullResultIsEmpty(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(http.StatusOK,
		`{"success":true,"errors":[],"messages":[],"result":null,"result_info":{"page":1,"per_page":20,"count":0,"total_count":0}}`)}}
	c, _ := newTestClient(t, s)
	for _, kind := range []CertificateKind{ZoneCertificate, HostnameCertificate} {
		got, err := c.ListCertificates(context.Background(), kind, testZone)
		if err != nil || len(got) != 0 {
			t.Fatalf("%s: null list gave %+v, %v", kind, got, err)
		}
	}
}
