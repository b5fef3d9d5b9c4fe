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

// Plain http would carry the token or key in clear text: it is accepted
// only for a loopback host (the emulator), and every refusal is a
// *BaseURLError the provider reports on base_url.
func TestNormalizeBaseURL_plainHTTPOnlyForLoopback(t *testing.T) {
	for _, in := range []string{"http://api.cloudflare.com", "http://10.0.0.1:8787", "http://192.168.1.10/client/v4", "http://127.0.0.1.nip.io:8787",
		"http://localhost.example.com", "http://[::2]:8787", "http://[fe80::1]:8787", "http://0.0.0.0:8787"} {
		got, err := NormalizeBaseURL(in)
		if err == nil || !strings.Contains(err.Error(), "uses plain http:// for a host that is not this machine") || !strings.Contains(err.Error(), "use https://") {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want a refusal that says to use https://", in, got, err)
		}
		if _, ok := errorsAs[*BaseURLError](err); !ok {
			t.Errorf("NormalizeBaseURL(%q): %T is not a *BaseURLError", in, err)
		}
	}
	for _, in := range []string{"http://127.0.0.1:8787", "http://127.255.0.9", "http://localhost:8787", "http://LOCALHOST:8787", "http://[::1]:8787",
		"https://api.example.com", "https://10.0.0.1:8443"} {
		if _, err := NormalizeBaseURL(in); err != nil {
			t.Errorf("NormalizeBaseURL(%q): %v", in, err)
		}
	}
}
