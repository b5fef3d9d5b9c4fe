package cfapi

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The API client follows no redirect at all. Cloudflare's v4 API answers
// every request with a JSON envelope and does not redirect, so a 3xx means a
// wrong base_url or something in between that is not the API. Following it,
// even on the same origin, would re-send the credentials (Go keeps
// X-Auth-Key and X-Auth-Email on every redirect, and Authorization on a
// redirect to another port of the same host), and a 307/308 would replay a
// DELETE or an upload's body, private key included, to a path the provider
// did not choose. Refusing every redirect needs no judgement about which
// target is safe.

// RedirectError is a redirect the client refused to follow. Nothing was sent
// to the target, and the request is not repeated.
type RedirectError struct {
	Method string
	Status int
	// SameOrigin says the target kept base_url's scheme, host and port.
	SameOrigin bool
	// Target is the target's scheme://host:port only, never its user info,
	// path or query.
	Target string
}

func (e *RedirectError) Error() string {
	where := "to " + e.Target + ", which leaves the API's origin (scheme, host and port of base_url)"
	if e.SameOrigin {
		where = "to another path on the API's origin"
	}
	return fmt.Sprintf("the API answered the %s request with HTTP %d, a redirect %s; the provider follows no redirect from the API, "+
		"so neither the credentials nor the request body were sent there. Check that base_url points at the Cloudflare API itself "+
		"(Cloudflare's API does not redirect)", e.Method, e.Status, where)
}

// refuseRedirect is the API client's CheckRedirect.
func refuseRedirect(base string) func(*http.Request, []*http.Request) error {
	baseOrigin := ""
	if u, err := url.Parse(base); err == nil {
		baseOrigin = origin(u)
	}
	return func(req *http.Request, via []*http.Request) error {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		target := origin(req.URL)
		return &RedirectError{Method: via[len(via)-1].Method, Status: status, SameOrigin: target == baseOrigin, Target: target}
	}
}

// origin is scheme://host:port with the default port made explicit, so that
// https://h and https://h:443 compare equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// credentialHeaders are the headers that carry Cloudflare credentials.
var credentialHeaders = []string{"Authorization", "X-Auth-Key", "X-Auth-Email", "X-Auth-User-Service-Key"}

// maxDocumentRedirects bounds the redirects FetchPEM follows.
const maxDocumentRedirects = 5

// checkDocumentRedirect is FetchPEM's CheckRedirect. A public CA file may
// legitimately move (a CDN, a new docs path), so a redirect is followed to
// any host, provided the target obeys the same rules as a configured URL
// (https, or http to a loopback host; no user info). FetchPEM sends no
// credentials, and none are carried along: they are removed here too.
func checkDocumentRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxDocumentRedirects {
		return &documentRedirectError{reason: fmt.Sprintf("more than %d redirects", maxDocumentRedirects)}
	}
	if err := CheckDocumentURL(req.URL.String()); err != nil {
		return &documentRedirectError{reason: "a redirect to a URL that is not allowed: " + err.Error()}
	}
	for _, h := range credentialHeaders {
		req.Header.Del(h)
	}
	return nil
}

// documentRedirectError is a redirect FetchPEM refused to follow.
type documentRedirectError struct{ reason string }

func (e *documentRedirectError) Error() string { return "refused " + e.reason }
