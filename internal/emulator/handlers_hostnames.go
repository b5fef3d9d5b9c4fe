package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// maxAssociationsPerCert is the number of hostnames one hostname
// certificate may be associated with.
const maxAssociationsPerCert = 100

// bindingJSON is a hostname association as answered by the API
// (hostname_certid_object).
type bindingJSON struct {
	Hostname       string `json:"hostname"`
	CertID         string `json:"cert_id"`
	Enabled        *bool  `json:"enabled"`
	Status         string `json:"status"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
	CertStatus     string `json:"cert_status"`
	CertUpdatedAt  string `json:"cert_updated_at"`
	CertUploadedOn string `json:"cert_uploaded_on"`
	Certificate    string `json:"certificate"`
	ExpiresOn      string `json:"expires_on"`
	Issuer         string `json:"issuer"`
	SerialNumber   string `json:"serial_number"`
	Signature      string `json:"signature"`
}

func bindingToJSON(z *zone, b *binding, status string, now time.Time) bindingJSON {
	out := bindingJSON{
		Hostname:  b.hostname,
		CertID:    b.certID,
		Status:    status,
		CreatedAt: formatTime(b.createdAt),
		UpdatedAt: formatTime(b.updatedAt),
	}
	if !b.removed() {
		e := b.enabled
		out.Enabled = &e
	}
	if c := z.findCert(kindHostname, b.certID); c != nil {
		out.CertStatus = c.status(now)
		out.CertUpdatedAt = formatTime(c.updatedAt(now))
		out.CertUploadedOn = formatTime(c.uploadedOn)
		out.Certificate = c.pem
		out.ExpiresOn = formatTime(c.notAfter)
		out.Issuer = c.issuer
		out.SerialNumber = c.serial
		out.Signature = c.signature
	} else {
		// Only possible for a removed association whose certificate has
		// since been deleted and purged.
		out.CertStatus = StatusDeleted
		out.CertUpdatedAt = out.UpdatedAt
		out.CertUploadedOn = out.CreatedAt
		out.ExpiresOn = out.UpdatedAt
	}
	return out
}

// handleGetHostname answers GET /zones/{zone_id}/origin_tls_client_auth/hostnames/{hostname}.
// A hostname without an association is HTTP 404 with code 1553, as observed
// (the OpenAPI excerpt documents no error for it).
func handleGetHostname(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	b := req.zone.bindings[normalizeHostname(req.params["hostname"])]
	if b == nil {
		return nil, nil, errorf(http.StatusNotFound, codeHostnameNotFound, msgHostnameNotFound)
	}
	return bindingToJSON(req.zone, b, b.status(req.now), req.now), nil, nil
}

// hostnameUpdate is one validated item of a PUT .../hostnames config.
type hostnameUpdate struct {
	hostname string
	cert     *certificate
	enabled  *bool // nil removes the association
}

// handlePutHostnames answers PUT /zones/{zone_id}/origin_tls_client_auth/hostnames.
// Every item is validated before anything is applied, so an invalid item
// leaves all associations unchanged.
func handlePutHostnames(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	updates, apiErr := parseHostnameUpdates(req)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	z := req.zone

	// Association limit per certificate, on the state after the update.
	certOf := map[string]string{}
	for h, b := range z.bindings {
		if !b.removed() {
			certOf[h] = b.certID
		}
	}
	for _, u := range updates {
		if u.enabled == nil {
			delete(certOf, u.hostname)
		} else {
			certOf[u.hostname] = u.cert.id
		}
	}
	perCert := map[string]int{}
	for _, id := range certOf {
		perCert[id]++
	}
	for _, u := range updates {
		if u.enabled != nil && perCert[u.cert.id] > maxAssociationsPerCert {
			return nil, nil, errorf(http.StatusBadRequest, codeAssociationLimit,
				"Hostname association limit reached: certificate %s would be associated with %d hostnames; at most %d are allowed.",
				u.cert.id, perCert[u.cert.id], maxAssociationsPerCert)
		}
	}

	items := make([]bindingJSON, 0, len(updates))
	for _, u := range updates {
		items = append(items, s.applyHostnameUpdate(z, u, req.now))
	}
	return items, &resultInfo{Page: 1, PerPage: max(len(items), 20), Count: len(items), TotalCount: len(items)}, nil
}

func parseHostnameUpdates(req *apiRequest) ([]hostnameUpdate, *apiError) {
	fields, apiErr := decodeObject(req.body)
	if apiErr != nil {
		return nil, apiErr
	}
	var config []map[string]json.RawMessage
	raw, ok := fields["config"]
	if !ok || json.Unmarshal(raw, &config) != nil || len(config) == 0 {
		return nil, errorf(http.StatusBadRequest, codeInvalidRequest,
			"Invalid request: config is required and must be a non-empty array of {hostname, cert_id, enabled}")
	}
	seen := map[string]bool{}
	updates := make([]hostnameUpdate, 0, len(config))
	for i, item := range config {
		if item == nil {
			return nil, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: config[%d] must be an object", i)
		}
		rawHost, apiErr := stringField(item, "hostname")
		if apiErr != nil {
			return nil, errorf(http.StatusBadRequest, codeInvalidRequest, "Invalid request: config[%d].hostname is required and must be a non-empty string", i)
		}
		host := normalizeHostname(rawHost)
		if !isValidHostname(host) {
			return nil, errorf(http.StatusBadRequest, codeInvalidHostname, "Invalid hostname %q: it is not a valid hostname", rawHost)
		}
		if !inZone(host, req.zone.name) {
			return nil, errorf(http.StatusBadRequest, codeInvalidHostname,
				"Invalid hostname %q: it is not inside zone %s", rawHost, req.zone.name)
		}
		if seen[host] {
			return nil, errorf(http.StatusBadRequest, codeDuplicateHost, "Hostname %s appears more than once in the request", host)
		}
		seen[host] = true

		rawEnabled, ok := item["enabled"]
		if !ok {
			return nil, errorf(http.StatusBadRequest, codeInvalidRequest,
				"Invalid request: config[%d].enabled is required: true, false, or null to remove the association", i)
		}
		var enabled *bool
		if !bytes.Equal(bytes.TrimSpace(rawEnabled), []byte("null")) {
			var e bool
			if json.Unmarshal(rawEnabled, &e) != nil {
				return nil, errorf(http.StatusBadRequest, codeInvalidRequest,
					"Invalid request: config[%d].enabled must be true, false or null", i)
			}
			enabled = &e
		}

		var certID string
		if rawID, ok := item["cert_id"]; ok {
			_ = json.Unmarshal(rawID, &certID)
		}
		cert := req.zone.findCert(kindHostname, certID)
		if cert == nil || cert.status(req.now) == StatusDeleted {
			return nil, errorf(http.StatusBadRequest, codeInvalidCertID, msgInvalidCertID)
		}
		if !cert.live() {
			return nil, certPendingDeletion(cert)
		}
		updates = append(updates, hostnameUpdate{hostname: host, cert: cert, enabled: enabled})
	}
	return updates, nil
}

// applyHostnameUpdate applies one validated item and returns its answer.
// An item equal to the current association changes nothing.
func (s *Server) applyHostnameUpdate(z *zone, u hostnameUpdate, now time.Time) bindingJSON {
	b := z.bindings[u.hostname]
	if b != nil && b.removed() {
		if u.enabled == nil {
			return bindingToJSON(z, b, b.status(now), now)
		}
		b = nil // re-adding replaces the association pending deletion
	}
	if u.enabled == nil {
		if b == nil {
			gone := &binding{hostname: u.hostname, certID: u.cert.id, createdAt: now, updatedAt: now, removedAt: now, goneAt: now}
			return bindingToJSON(z, gone, StatusDeleted, now)
		}
		b.removedAt, b.goneAt, b.updatedAt = now, now.Add(s.assocRemoveDelayLocked()), now
		z.recordVersion(u.hostname, now, nil, nil)
		return bindingToJSON(z, b, StatusPendingDeletion, now)
	}
	if b != nil && b.certID == u.cert.id && b.enabled == *u.enabled {
		return bindingToJSON(z, b, b.status(now), now)
	}
	if b == nil {
		b = &binding{hostname: u.hostname, createdAt: now}
		z.bindings[u.hostname] = b
	}
	b.certID, b.enabled = u.cert.id, *u.enabled
	b.updatedAt, b.activeAt = now, now.Add(s.assocDeployDelayLocked())
	z.recordVersion(u.hostname, now, b, u.cert)
	return bindingToJSON(z, b, StatusPendingDeployment, now)
}
