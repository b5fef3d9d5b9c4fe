package cfapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// What a method puts into a request: each kind has its own hostile values.
type argKind int

const (
	zoneArg argKind = iota
	certArg
	hostnameArg // a hostname in a path, or a zone name in a query
	urlArg      // a document URL (FetchPEM)
)

// hostileIDs change or leave the path, or are not of the kind's form.
var hostileIDs = []string{"", ".", "..", "../../settings", "a/b", "a?b=c", "a#b", "%2e%2e", "a%2Fb", "a b", "é", "x\x00", "x\n",
	"023e105f4ecef8ad9ca31a8372d0c353/..", "../023e105f4ecef8ad9ca31a8372d0c353", "app.example.com/../settings", "app..example.com",
	"app.example.com?x=1", "app.example.com#x", "app.example.com:443", strings.Repeat("a", 300)}

var hostileByKind = map[argKind][]string{
	zoneArg:     {"app.example.com", "023E105F4ECEF8AD9CA31A8372D0C353", "023e105f4ecef8ad9ca31a8372d0c3530", testCertID},
	certArg:     {"app.example.com", "2458CE5A-0C35-4C7F-82C7-8E9487D3FF60", "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60/x", "abc"},
	hostnameArg: {"APP.example.com", "app.example.com.", "*.example.com", "localhost", "-app.example.com", "app_1.example.com"},
}

// methodCase drives one exported method: valid are arguments that reach the
// server; each position is replaced in turn by every hostile value of its kind.
type methodCase struct {
	kinds []argKind
	valid []string
	// fixedPath: the method puts no caller value into its request, which
	// must still reach the server.
	fixedPath bool
	call      func(ctx context.Context, c *Client, a []string) []error
}

func one(err error) []error { return []error{err} }

func bothKinds(f func(CertificateKind) error) []error {
	return []error{f(ZoneCertificate), f(HostnameCertificate)}
}

func methodCases() map[string]methodCase {
	return map[string]methodCase{
		"BaseURL":        {call: func(_ context.Context, c *Client, _ []string) []error { _ = c.BaseURL(); return nil }},
		"HasCredentials": {call: func(_ context.Context, c *Client, _ []string) []error { _ = c.HasCredentials(); return nil }},
		"FetchPEM": {kinds: []argKind{urlArg}, valid: []string{"(server)/ca.pem"}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.FetchPEM(ctx, a[0])
			return one(err)
		}},
		"ListCertificates": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			return bothKinds(func(k CertificateKind) error { _, err := c.ListCertificates(ctx, k, a[0]); return err })
		}},
		"GetCertificate": {kinds: []argKind{zoneArg, certArg}, valid: []string{testZone, testCertID}, call: func(ctx context.Context, c *Client, a []string) []error {
			return bothKinds(func(k CertificateKind) error { _, err := c.GetCertificate(ctx, k, a[0], a[1]); return err })
		}},
		"UploadCertificate": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			return bothKinds(func(k CertificateKind) error {
				_, err := c.UploadCertificate(ctx, k, a[0], "cert", fakeKey)
				return err
			})
		}},
		"DeleteCertificate": {kinds: []argKind{zoneArg, certArg}, valid: []string{testZone, testCertID}, call: func(ctx context.Context, c *Client, a []string) []error {
			return bothKinds(func(k CertificateKind) error { return c.DeleteCertificate(ctx, k, a[0], a[1]) })
		}},
		"PutBindings": {kinds: []argKind{zoneArg, hostnameArg, certArg}, valid: []string{testZone, "app.example.com", testCertID}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.PutBindings(ctx, a[0], []BindingChange{{Hostname: "www.example.com", CertID: testCertID, Enabled: true}, {Hostname: a[1], CertID: a[2], Enabled: true}})
			return one(err)
		}},
		"GetBinding": {kinds: []argKind{zoneArg, hostnameArg}, valid: []string{testZone, "app.example.com"}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.GetBinding(ctx, a[0], a[1])
			return one(err)
		}},
		"GetGlobalSetting": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.GetGlobalSetting(ctx, a[0])
			return one(err)
		}},
		"SetGlobalSetting": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.SetGlobalSetting(ctx, a[0], true)
			return one(err)
		}},
		"GetZoneSetting": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.GetZoneSetting(ctx, a[0])
			return one(err)
		}},
		"SetZoneSetting": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.SetZoneSetting(ctx, a[0], true)
			return one(err)
		}},
		"ZoneName": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.ZoneName(ctx, a[0])
			return one(err)
		}},
		"GetSSLMode": {kinds: []argKind{zoneArg}, valid: []string{testZone}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.GetSSLMode(ctx, a[0])
			return one(err)
		}},
		// No identifier in its path: the valid call must still reach the server.
		"GetIPRanges": {fixedPath: true, call: func(ctx context.Context, c *Client, _ []string) []error {
			_, err := c.GetIPRanges(ctx)
			return one(err)
		}},
		"ZoneIDByName": {kinds: []argKind{hostnameArg}, valid: []string{"example.com"}, call: func(ctx context.Context, c *Client, a []string) []error {
			_, err := c.ZoneIDByName(ctx, a[0])
			return one(err)
		}},
	}
}

// Every exported method of *Client refuses every hostile ID (or URL) before
// sending anything: the server fails the test on any request while hostile
// values are tried. The cases are checked against the method set, so a new
// method without a case fails here; each case's valid call must reach the
// server, so a case that does not drive its method fails too.
func TestEveryMethodRefusesHostileIDs(t *testing.T) {
	t.Parallel()
	var armed atomic.Bool
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if armed.Load() {
			t.Errorf("a request reached the server for a hostile value: %s %s", r.Method, r.URL.RequestURI())
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(envelope(`{}`)))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{APIToken: testToken, BaseURL: srv.URL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	hostileURLs := []string{"", "/ca.pem", "//127.0.0.1:" + port + "/ca.pem", "http://user:hunter2@127.0.0.1:" + port + "/ca.pem",
		"https://hunter2@127.0.0.1:" + port + "/ca.pem", "http://ca.example.invalid/ca.pem", "http://127.0.0.1.example.invalid/ca.pem",
		"ftp://127.0.0.1:" + port + "/ca.pem", "file:///etc/passwd", "http://[::1/ca.pem", "http://user:hunter2@[::1/ca.pem"}

	cases := methodCases()
	typ := reflect.TypeOf(c)
	for i := range typ.NumMethod() {
		if _, ok := cases[typ.Method(i).Name]; !ok {
			t.Errorf("exported method (*Client).%s has no case here: add one that drives it with hostile IDs", typ.Method(i).Name)
		}
	}
	ctx := context.Background()
	for name, mc := range cases {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("case %s names no method of *Client", name)
			continue
		}
		valid := append([]string(nil), mc.valid...)
		for i, v := range valid {
			valid[i] = strings.Replace(v, "(server)", srv.URL, 1)
		}
		armed.Store(true)
		for pos, kind := range mc.kinds {
			hostile := append(append([]string(nil), hostileIDs...), hostileByKind[kind]...)
			want := ErrInvalidID
			if kind == urlArg {
				hostile, want = hostileURLs, ErrUnsafeURL
			}
			for _, h := range hostile {
				args := append([]string(nil), valid...)
				args[pos] = h
				for _, err := range mc.call(ctx, c, args) {
					if !errors.Is(err, want) {
						t.Errorf("%s with argument %d = %q: %v, want %v", name, pos+1, h, err, want)
					}
					if err != nil && strings.Contains(err.Error(), "hunter2") {
						t.Errorf("%s: the error shows a password: %v", name, err)
					}
				}
			}
		}
		if len(mc.kinds) == 0 && !mc.fixedPath {
			mc.call(ctx, c, valid) // takes no ID: must send nothing
		}
		armed.Store(false)
		if len(mc.kinds) > 0 || mc.fixedPath {
			before := calls.Load()
			mc.call(ctx, c, valid)
			if calls.Load() == before {
				t.Errorf("%s with valid arguments %q sent no request: the case does not drive the method", name, valid)
			}
		}
	}
}
