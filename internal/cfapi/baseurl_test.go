package cfapi

import (
	"strings"
	"testing"
)

// A base URL is a plain scheme://host[:port][/path]: credentials, a query, a
// fragment or a missing host are refused, and a password is never echoed.
func TestNormalizeBaseURL_refusals(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://":       "has no host name",
		"https://:8787": "has no host name",
		"https://user:hunter2@api.cloudflare.com": "must not contain credentials",
		"https://api.cloudflare.com/?debug=1":     "must not have a query (?) or a fragment (#)",
		"https://api.cloudflare.com/client/v4#x":  "must not have a query (?) or a fragment (#)",
		"https://api.cloudflare.com?":             "must not have a query (?) or a fragment (#)",
		"https://exa mple.com":                    "is not a valid URL",
		"user:hunter2@api.cloudflare.com":         "must start with https://",
	} {
		got, err := NormalizeBaseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want an error saying %q", in, got, err, want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NormalizeBaseURL(%q): the error shows the password: %v", in, err)
		}
	}
	if got, err := NormalizeBaseURL("http://[::1]:8787"); err != nil || got != "http://[::1]:8787/client/v4/" {
		t.Errorf("IPv6 loopback: %q, %v", got, err)
	}
}
