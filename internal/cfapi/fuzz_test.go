package cfapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the client's parsers of user and server input; the seed
// corpus is under testdata/fuzz and `make fuzz` runs each for FUZZTIME.

// An accepted base URL is an absolute http(s) URL with a host, ending in
// /client/v4/, that normalises to itself; credentials, queries and
// fragments are refused, so nothing secret or surprising can ride along,
// and plain http is accepted only for a loopback host.
func FuzzNormalizeBaseURL(f *testing.F) {
	for _, s := range []string{"", "https://api.cloudflare.com", "https://api.cloudflare.com/client/v4/", "http://127.0.0.1:8787",
		"api.cloudflare.com", "http://", "https://user:secret@api.cloudflare.com", "https://api.cloudflare.com/?x=1", "https://a b",
		"https://api.cloudflare.com#frag", " https://api.cloudflare.com/ ", "http://[::1]:8787/client/v4",
		"http://api.cloudflare.com", "http://localhost:8787", "http://127.1.2.3", "http://127.0.0.1.example.com", "http://[::ffff:127.0.0.1]:80", "HTTP://10.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := NormalizeBaseURL(raw)
		if err != nil {
			if out != "" {
				t.Fatalf("%q: error %v with a result %q", raw, err, out)
			}
			return
		}
		u, perr := url.Parse(out)
		switch {
		case perr != nil:
			t.Fatalf("%q normalised to %q, which does not parse: %v", raw, out, perr)
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.User != nil, u.RawQuery != "", u.Fragment != "" || strings.Contains(out, "#"):
			t.Fatalf("%q normalised to %q: scheme %q, host %q, user %v, query %q, fragment %q", raw, out, u.Scheme, u.Host, u.User, u.RawQuery, u.Fragment)
		case !strings.HasSuffix(out, "/client/v4/"):
			t.Fatalf("%q normalised to %q, without /client/v4/", raw, out)
		case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
			t.Fatalf("%q normalised to %q: plain http to a host that is not loopback", raw, out)
		}
		if again, err := NormalizeBaseURL(out); err != nil || again != out {
			t.Fatalf("normalising %q again gave %q, %v", out, again, err)
		}
	})
}

// Retry-After never yields a negative wait, whatever the server sends.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "1", "120", "-1", "9223372036854775807", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "1.5", " 3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retryAfter(http.Header{"Retry-After": []string{v}})
		if !ok {
			return
		}
		if d < 0 {
			t.Fatalf("Retry-After %q gives a negative wait %s", v, d)
		}
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 && secs <= maxRetryAfterSeconds && d != time.Duration(secs)*time.Second {
			t.Fatalf("Retry-After %q gives %s", v, d)
		}
	})
}

// An ID becomes a path segment only if it cannot change the path: every
// zone ID, certificate ID or hostname the client accepts stays one segment.
func FuzzCheckIDs(f *testing.F) {
	for _, s := range []string{"2458ce5a-0c35-4c7f-82c7-8e9487d3ff60", "..", "../../settings", "a?b", "%2e", "", "023e105f4ecef8ad9ca31a8372d0c353",
		"app.example.com", "app.example.com/..", "a..b", "xn--bcher-kva.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		accepted := checkZoneID("op", id) == nil || checkZoneAndCertificate("op", testZone, id) == nil || checkHostname("op", "hostname", id) == nil
		if !accepted {
			return
		}
		if strings.Contains(id, "..") {
			t.Fatalf("accepted ID %q contains ..", id)
		}
		u, err := url.Parse("https://api.cloudflare.com/client/v4/zones/z/origin_tls_client_auth/")
		if err != nil {
			t.Fatal(err)
		}
		ref, err := url.Parse(id)
		if err != nil {
			t.Fatalf("accepted ID %q does not parse as a path: %v", id, err)
		}
		if got := u.ResolveReference(ref); got.Path != u.Path+id || got.RawQuery != "" || got.Fragment != "" {
			t.Fatalf("accepted ID %q turns the path into %q", id, got.String())
		}
	})
}
