package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// apiRequest is what a handler sees: the matched path parameters, the zone
// (for routes under /zones/{zone_id}), the request body and the time of the
// request. Handlers run with the server's mutex held.
type apiRequest struct {
	r      *http.Request
	params map[string]string
	zone   *zone
	body   []byte
	now    time.Time
}

// handlerFunc answers an API request: a result (and result_info for lists)
// or an error.
type handlerFunc func(s *Server, req *apiRequest) (any, *resultInfo, *apiError)

type route struct {
	method  string
	pattern string // relative to /client/v4, e.g. "/zones/{zone_id}/origin_tls_client_auth"
	segs    []string
	literal int // number of literal segments, for precedence
	handle  handlerFunc
	public  bool       // answered without credentials
	needs   Permission // what a scoped token needs to call it
}

type router struct {
	routes []*route
}

func newRouter() *router {
	rt := &router{}
	add := func(method, pattern string, h handlerFunc) {
		segs := strings.Split(strings.Trim(pattern, "/"), "/")
		lit := 0
		for _, s := range segs {
			if !isParam(s) {
				lit++
			}
		}
		rt.routes = append(rt.routes, &route{method: method, pattern: pattern, segs: segs, literal: lit, handle: h,
			needs: routePermission(method, pattern)})
	}
	const aop = "/zones/{zone_id}/origin_tls_client_auth"
	add(http.MethodGet, "/zones", handleListZones)
	add(http.MethodGet, "/zones/{zone_id}", handleGetZone)
	add(http.MethodGet, "/zones/{zone_id}/settings/tls_client_auth", handleGetTLSClientAuth)
	add(http.MethodPatch, "/zones/{zone_id}/settings/tls_client_auth", handlePatchTLSClientAuth)
	add(http.MethodGet, aop+"/settings", handleGetZoneLevelSetting)
	add(http.MethodPut, aop+"/settings", handlePutZoneLevelSetting)
	add(http.MethodGet, aop, handleListZoneCerts)
	add(http.MethodPost, aop, handleUploadZoneCert)
	add(http.MethodGet, aop+"/{certificate_id}", handleGetZoneCert)
	add(http.MethodDelete, aop+"/{certificate_id}", handleDeleteZoneCert)
	add(http.MethodGet, aop+"/hostnames/certificates", handleListHostnameCerts)
	add(http.MethodPost, aop+"/hostnames/certificates", handleUploadHostnameCert)
	add(http.MethodGet, aop+"/hostnames/certificates/{certificate_id}", handleGetHostnameCert)
	add(http.MethodDelete, aop+"/hostnames/certificates/{certificate_id}", handleDeleteHostnameCert)
	add(http.MethodPut, aop+"/hostnames", handlePutHostnames)
	add(http.MethodGet, aop+"/hostnames/{hostname}", handleGetHostname)
	add(http.MethodGet, "/zones/{zone_id}/settings/ssl", handleGetSSL)
	add(http.MethodPatch, "/zones/{zone_id}/settings/ssl", handlePatchSSL)
	add(http.MethodGet, "/ips", handleListIPs)
	rt.routes[len(rt.routes)-1].public = true // Cloudflare's IP ranges need no credentials [obs]
	return rt
}

func isParam(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

// match finds the route for method and path (relative to /client/v4). Among
// the patterns that match the path, the one with the most literal segments
// wins (so ".../hostnames" beats ".../{certificate_id}"). When the path
// matches but the method does not, match returns a nil route and the
// allowed methods; when nothing matches, both are nil.
func (rt *router) match(method, path string) (*route, map[string]string, []string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/") // a trailing slash never matches
	best := -1
	var candidates []*route
	for _, r := range rt.routes {
		if !r.matches(segs) {
			continue
		}
		switch {
		case r.literal > best:
			best = r.literal
			candidates = []*route{r}
		case r.literal == best:
			candidates = append(candidates, r)
		}
	}
	var allowed []string
	for _, r := range candidates {
		if r.method == method {
			params := map[string]string{}
			for i, s := range r.segs {
				if isParam(s) {
					params[strings.Trim(s, "{}")] = segs[i]
				}
			}
			return r, params, nil
		}
		allowed = append(allowed, r.method)
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

func (r *route) matches(segs []string) bool {
	if len(segs) != len(r.segs) {
		return false
	}
	for i, s := range r.segs {
		if isParam(s) {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if segs[i] != s {
			return false
		}
	}
	return true
}
