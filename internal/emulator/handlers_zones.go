package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// accountID is the account that owns every emulated zone.
var accountID = zoneID("cfaop-emulator-account")

type accountJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// zoneJSON is the subset of Cloudflare's zone object the emulator answers.
type zoneJSON struct {
	ID                  string      `json:"id"`
	Name                string      `json:"name"`
	Status              string      `json:"status"`
	Paused              bool        `json:"paused"`
	Type                string      `json:"type"`
	DevelopmentMode     int         `json:"development_mode"`
	NameServers         []string    `json:"name_servers"`
	OriginalNameServers []string    `json:"original_name_servers"`
	CreatedOn           string      `json:"created_on"`
	ModifiedOn          string      `json:"modified_on"`
	ActivatedOn         string      `json:"activated_on"`
	Account             accountJSON `json:"account"`
}

func zoneToJSON(z *zone) zoneJSON {
	created := formatTime(z.createdOn)
	return zoneJSON{
		ID:                  z.id,
		Name:                z.name,
		Status:              "active",
		Type:                "full",
		NameServers:         []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"},
		OriginalNameServers: nil,
		CreatedOn:           created,
		ModifiedOn:          created,
		ActivatedOn:         created,
		Account:             accountJSON{ID: accountID, Name: "Emulated account"},
	}
}

// handleListZones answers GET /zones[?name=...][&page=..&per_page=..].
func handleListZones(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	q := req.r.URL.Query()
	name := normalizeHostname(q.Get("name"))
	matched := []zoneJSON{}
	for _, z := range s.zones {
		if name == "" || z.name == name {
			matched = append(matched, zoneToJSON(z))
		}
	}
	page, perPage, apiErr := pageParams(q.Get("page"), q.Get("per_page"), 20, 5, 50)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	items, info := paginate(matched, page, perPage)
	return items, info, nil
}

// handleGetZone answers GET /zones/{zone_id}.
func handleGetZone(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	return zoneToJSON(req.zone), nil, nil
}

// pageParams parses page and per_page; per_page is clamped to [minPer, maxPer].
func pageParams(pageStr, perStr string, defPer, minPer, maxPer int) (int, int, *apiError) {
	page, perPage := 1, defPer
	if pageStr != "" {
		n, err := strconv.Atoi(pageStr)
		if err != nil || n < 1 {
			return 0, 0, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: page must be a positive integer")
		}
		page = n
	}
	if perStr != "" {
		n, err := strconv.Atoi(perStr)
		if err != nil || n < 1 {
			return 0, 0, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: per_page must be a positive integer")
		}
		perPage = min(max(n, minPer), maxPer)
	}
	return page, perPage, nil
}

func paginate[T any](all []T, page, perPage int) ([]T, *resultInfo) {
	start := min((page-1)*perPage, len(all))
	end := min(start+perPage, len(all))
	items := append([]T{}, all[start:end]...)
	return items, &resultInfo{Page: page, PerPage: perPage, Count: len(items), TotalCount: len(all)}
}

// listAll answers an unpaginated list unless the client asks for pages.
func listAll[T any](req *apiRequest, all []T) (any, *resultInfo, *apiError) {
	q := req.r.URL.Query()
	def := max(len(all), 20)
	page, perPage, apiErr := pageParams(q.Get("page"), q.Get("per_page"), def, 1, 1000)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	items, info := paginate(all, page, perPage)
	return items, info, nil
}

type settingJSON struct {
	ID         string  `json:"id"`
	Value      string  `json:"value"`
	Editable   bool    `json:"editable"`
	ModifiedOn *string `json:"modified_on"`
}

func tlsClientAuthJSON(z *zone) settingJSON {
	out := settingJSON{ID: "tls_client_auth", Value: z.tlsClientAuth, Editable: true}
	if !z.tlsClientAuthModified.IsZero() {
		t := formatTime(z.tlsClientAuthModified)
		out.ModifiedOn = &t
	}
	return out
}

// handleGetTLSClientAuth answers GET /zones/{zone_id}/settings/tls_client_auth.
func handleGetTLSClientAuth(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	return tlsClientAuthJSON(req.zone), nil, nil
}

// handlePatchTLSClientAuth answers PATCH /zones/{zone_id}/settings/tls_client_auth.
func handlePatchTLSClientAuth(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	fields, apiErr := decodeObject(req.body)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	raw, ok := fields["value"]
	if !ok {
		return nil, nil, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: value is required (\"on\" or \"off\")")
	}
	var value string
	if err := json.Unmarshal(raw, &value); err != nil || (value != "on" && value != "off") {
		return nil, nil, errorf(http.StatusBadRequest, codeInvalidSetting, "Invalid value for zone setting tls_client_auth: %s (expected \"on\" or \"off\")", shorten(string(raw)))
	}
	req.zone.tlsClientAuth = value
	req.zone.tlsClientAuthModified = req.now
	return tlsClientAuthJSON(req.zone), nil, nil
}

type enabledJSON struct {
	Enabled bool `json:"enabled"`
}

// handleGetZoneLevelSetting answers GET /zones/{zone_id}/origin_tls_client_auth/settings.
func handleGetZoneLevelSetting(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	return enabledJSON{Enabled: req.zone.zoneLevelEnabled}, nil, nil
}

// handlePutZoneLevelSetting answers PUT /zones/{zone_id}/origin_tls_client_auth/settings.
func handlePutZoneLevelSetting(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	fields, apiErr := decodeObject(req.body)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	raw, ok := fields["enabled"]
	var enabled bool
	if !ok || json.Unmarshal(raw, &enabled) != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: enabled is required and must be true or false")
	}
	req.zone.zoneLevelEnabled = enabled
	return enabledJSON{Enabled: enabled}, nil, nil
}

// decodeObject parses a JSON object body into its raw fields.
func decodeObject(body []byte) (map[string]json.RawMessage, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid request: the request body is empty, expected a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid request: the request body is not valid JSON (%v)", err)
	}
	if fields == nil {
		return nil, errorf(http.StatusBadRequest, codeInvalidJSON, "Invalid request: expected a JSON object, got null")
	}
	return fields, nil
}

// stringField reads a required non-empty string field.
func stringField(fields map[string]json.RawMessage, name string) (string, *apiError) {
	raw, ok := fields[name]
	var v string
	if !ok || json.Unmarshal(raw, &v) != nil || strings.TrimSpace(v) == "" {
		return "", errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: %s is required and must be a non-empty string", name)
	}
	return v, nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// formatTime renders t as RFC 3339 in UTC with at most microseconds, like
// Cloudflare ("2019-10-28T18:11:23.37411Z").
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}
