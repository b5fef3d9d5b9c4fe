package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// A wait whose hostnames were last read (after this process's writes) in
// the state it waits for sends no request; a hostname not read yet, or
// written since, is read.
func TestAssociationWatch_settledHostnamesCostNoRequest(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"success":false,"errors":[{"code":1404,"message":"not found"}],"messages":[],"result":null}`))
	}))
	t.Cleanup(srv.Close)
	client, err := cfapi.New(cfapi.Config{APIToken: "t", BaseURL: srv.URL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	a := newAssociationWatch(client, pollSchedule{first: 10 * time.Millisecond, max: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const oldCert, newCert = moveTestCertID, "0123456789abcdef0123456789abcdef"
	a.remember(moveTestZoneID, "a.example.com", cfapi.Binding{Hostname: "a.example.com", CertID: newCert, Status: cfapi.StatusActive}, false)
	a.remember(moveTestZoneID, "b.example.com", cfapi.Binding{}, true)
	a.remember(moveTestZoneID, "c.example.com", cfapi.Binding{Hostname: "c.example.com", CertID: oldCert, Status: cfapi.StatusActive}, false)

	if err := a.waitOff(ctx, moveTestZoneID, oldCert, []string{"a.example.com", "b.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := a.waitActive(ctx, moveTestZoneID, map[string]string{"a.example.com": newCert}); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("waits on settled hostnames sent %d requests, want 0", n)
	}

	// c was last seen still on the old certificate, d never: both are read
	// (the server answers 404: gone, which is off the certificate).
	if err := a.waitOff(ctx, moveTestZoneID, oldCert, []string{"c.example.com", "d.example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 2 {
		t.Fatalf("waits on unsettled hostnames sent %d requests, want 2", n)
	}
	// A write forgets the read: the next wait reads again.
	a.forget(moveTestZoneID, "a.example.com")
	if err := a.waitOff(ctx, moveTestZoneID, newCert, []string{"a.example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 3 {
		t.Fatalf("a wait after a write sent %d requests in all, want 3", n)
	}
}
