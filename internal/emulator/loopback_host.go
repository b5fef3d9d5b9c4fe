package emulator

import (
	"net"
	"net/http"
	"strings"
)

// The emulator answers only requests addressed to a loopback name. It
// listens on loopback only (Start), but a web page can still reach it
// through DNS rebinding: the browser resolves the page's own host name to
// 127.0.0.1 and sends that name in Host. Checking Host refuses those
// requests before any handler (API, CA, admin) runs. HTTP 421 with code
// 10421 is our own choice: Cloudflare's API has no such answer.
const (
	codeMisdirected = 10421
	msgMisdirected  = "The emulator answers only loopback host names (localhost, *.localhost, 127.0.0.0/8, [::1]), not %q"
)

// loopbackHost reports whether a Host header value (with or without a
// port) names this machine: localhost, a name under .localhost (RFC 6761),
// an IPv4 address in 127.0.0.0/8 or ::1.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuseForeignHost answers 421 when r is not addressed to a loopback name
// and reports whether it did.
func refuseForeignHost(w http.ResponseWriter, r *http.Request) bool {
	if loopbackHost(r.Host) {
		return false
	}
	writeError(w, errorf(http.StatusMisdirectedRequest, codeMisdirected, msgMisdirected, r.Host))
	return true
}
