package cfapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// IDs that would change the request's path are refused before anything is
// sent: "../../settings" would otherwise resolve to another endpoint.
func TestIDs_pathTraversalIsRefused(t *testing.T) {
	t.Parallel()
	h := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(200, envelope(`{"id":"x"}`))}}
	c, _ := newTestClient(t, h)
	ctx := context.Background()
	for _, id := range []string{"", "..", "../../settings", "a/b", "a?b=c", "a#b", "%2e%2e", "a b", "é"} {
		if _, err := c.GetCertificate(ctx, HostnameCertificate, testZone, id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("GetCertificate(%q): %v, want ErrInvalidID", id, err)
		}
		if err := c.DeleteCertificate(ctx, ZoneCertificate, testZone, id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("DeleteCertificate(%q): %v, want ErrInvalidID", id, err)
		}
		if _, err := c.GetCertificate(ctx, ZoneCertificate, id+"/..", "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"); !errors.Is(err, ErrInvalidID) {
			t.Errorf("GetCertificate in zone %q: %v, want ErrInvalidID", id+"/..", err)
		}
	}
	if n := h.calls.Load(); n != 0 {
		t.Fatalf("%d requests were sent for refused IDs", n)
	}
	if _, err := c.GetCertificate(ctx, ZoneCertificate, testZone, "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"); err != nil {
		t.Fatalf("a UUID was refused: %v", err)
	}
}
