package cfapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// An error text that quotes the token or a key is masked in the client's
// logs, and so are fields named after credentials.
func TestLogs_redactSecretsQuotedInErrors(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	quoting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("proxy refused " + r.Header.Get("Authorization") + " with body " + fakeKey)
	})
	c, err := New(Config{APIToken: testToken, BaseURL: "http://127.0.0.1:9", Transport: quoting,
		MaxRetries: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadCertificate(ctx, ZoneCertificate, testZone, "cert", fakeKey); err == nil {
		t.Fatal("want an error")
	}
	tflog.Info(RedactLogs(ctx, []string{testToken}), "check", map[string]any{"Authorization": "Bearer x", "api_key": "k"})
	out := buf.String()
	if !strings.Contains(out, "proxy refused") || !strings.Contains(out, "***") {
		t.Fatalf("expected a masked error line, got:\n%s", out)
	}
	for _, secret := range []string{testToken, "KEYMATERIAL", "PRIVATE KEY", "Bearer x", `"k"`} {
		if strings.Contains(out, secret) {
			t.Fatalf("log output contains %q:\n%s", secret, out)
		}
	}
}
