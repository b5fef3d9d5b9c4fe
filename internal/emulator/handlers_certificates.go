package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// maxHostnameCerts is the number of hostname certificates a zone may hold
// (deleted ones and ones pending deletion do not count).
const maxHostnameCerts = 10

// zoneCertJSON is a zone-level certificate as answered by the API
// (zone-authenticated-origin-pull, without private_key).
type zoneCertJSON struct {
	ID          string `json:"id"`
	Certificate string `json:"certificate"`
	ExpiresOn   string `json:"expires_on"`
	Issuer      string `json:"issuer"`
	Signature   string `json:"signature"`
	Status      string `json:"status"`
	UploadedOn  string `json:"uploaded_on"`
	// Enabled reports whether zone-level AOP is enabled for the zone, as the
	// schema describes it.
	Enabled bool `json:"enabled"`
}

// hostnameCertJSON is a hostname certificate as answered by the API
// (schemas-certificateObject).
type hostnameCertJSON struct {
	ID           string `json:"id"`
	Certificate  string `json:"certificate"`
	ExpiresOn    string `json:"expires_on"`
	Issuer       string `json:"issuer"`
	SerialNumber string `json:"serial_number"`
	Signature    string `json:"signature"`
	Status       string `json:"status"`
	UploadedOn   string `json:"uploaded_on"`
}

func zoneCertToJSON(z *zone, c *certificate, status string) zoneCertJSON {
	return zoneCertJSON{
		ID:          c.id,
		Certificate: c.pem,
		ExpiresOn:   formatTime(c.notAfter),
		Issuer:      c.issuer,
		Signature:   c.signature,
		Status:      status,
		UploadedOn:  formatTime(c.uploadedOn),
		Enabled:     z.zoneLevelEnabled,
	}
}

func hostnameCertToJSON(c *certificate, status string) hostnameCertJSON {
	return hostnameCertJSON{
		ID:           c.id,
		Certificate:  c.pem,
		ExpiresOn:    formatTime(c.notAfter),
		Issuer:       c.issuer,
		SerialNumber: c.serial,
		Signature:    c.signature,
		Status:       status,
		UploadedOn:   formatTime(c.uploadedOn),
	}
}

// listCerts returns the certificates of kind that are not deleted.
func (z *zone) listCerts(kind certKind, now time.Time) []*certificate {
	var out []*certificate
	for _, c := range z.certs {
		if c.kind == kind && c.status(now) != StatusDeleted {
			out = append(out, c)
		}
	}
	return out
}

// handleListZoneCerts lists zone certificates. A zone without any answers
// "result": null, not [], as observed (the schema allows both).
func handleListZoneCerts(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	items := []zoneCertJSON{}
	for _, c := range req.zone.listCerts(kindZone, req.now) {
		items = append(items, zoneCertToJSON(req.zone, c, c.status(req.now)))
	}
	if len(items) == 0 {
		_, info, apiErr := listAll(req, items)
		return nil, info, apiErr
	}
	return listAll(req, items)
}

func handleListHostnameCerts(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	items := []hostnameCertJSON{}
	for _, c := range req.zone.listCerts(kindHostname, req.now) {
		items = append(items, hostnameCertToJSON(c, c.status(req.now)))
	}
	return listAll(req, items)
}

func handleUploadZoneCert(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := s.upload(req, kindZone)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return zoneCertToJSON(req.zone, c, StatusPendingDeployment), nil, nil
}

func handleUploadHostnameCert(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := s.upload(req, kindHostname)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return hostnameCertToJSON(c, StatusPendingDeployment), nil, nil
}

// upload validates and stores a certificate of kind; it answers as
// pending_deployment and becomes active after the delay.
func (s *Server) upload(req *apiRequest, kind certKind) (*certificate, *apiError) {
	fields, apiErr := decodeObject(req.body)
	if apiErr != nil {
		return nil, apiErr
	}
	certPEM, apiErr := stringField(fields, "certificate")
	if apiErr != nil {
		return nil, apiErr
	}
	keyPEM, apiErr := stringField(fields, "private_key")
	if apiErr != nil {
		return nil, apiErr
	}
	up, apiErr := parseUpload(certPEM, keyPEM)
	if apiErr != nil {
		return nil, apiErr
	}
	live := 0
	var deleted *certificate // the same certificate, deleted but not yet purged
	for _, c := range req.zone.certs {
		if c.kind != kind {
			continue
		}
		if string(c.der) == string(up.cert.Raw) {
			// Refused while live and also while pending deletion (both
			// 1406, as observed).
			if c.status(req.now) != StatusDeleted {
				return nil, errorf(http.StatusBadRequest, codeCertExists, msgCertExists)
			}
			deleted = c
		}
		if c.live() {
			live++
		}
	}
	if kind == kindHostname && live >= maxHostnameCerts {
		return nil, errorf(http.StatusBadRequest, codeCertLimit,
			"Hostname certificate limit reached: a zone can hold at most %d hostname certificates; delete one before uploading another.", maxHostnameCerts)
	}
	id := newUUID()
	if deleted != nil {
		// Once deleted, the same certificate may come back under its old
		// ID (observed); the emulator always reuses it, so clients that
		// assume a fresh ID per upload are caught.
		id = deleted.id
		req.zone.removeCert(deleted)
	}
	c := &certificate{
		id:         id,
		kind:       kind,
		der:        up.cert.Raw,
		pem:        up.pem,
		keyDER:     up.keyDER,
		issuer:     issuerName(up.cert),
		signature:  signatureName(up.cert.SignatureAlgorithm),
		serial:     up.cert.SerialNumber.String(),
		notAfter:   up.cert.NotAfter.UTC(),
		uploadedOn: req.now,
		activeAt:   req.now.Add(s.certDeployDelayLocked()),
	}
	req.zone.certs = append(req.zone.certs, c)
	return c, nil
}

// getCert finds a certificate that is not purged; deleted certificates are
// still answered (status "deleted") until purged.
func getCert(req *apiRequest, kind certKind) (*certificate, *apiError) {
	c := req.zone.findCert(kind, req.params["certificate_id"])
	if c == nil {
		return nil, errorf(http.StatusNotFound, codeCertNotFound, msgCertNotFound)
	}
	return c, nil
}

func handleGetZoneCert(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := getCert(req, kindZone)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return zoneCertToJSON(req.zone, c, c.status(req.now)), nil, nil
}

func handleGetHostnameCert(_ *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := getCert(req, kindHostname)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return hostnameCertToJSON(c, c.status(req.now)), nil, nil
}

func handleDeleteZoneCert(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := s.deleteCert(req, kindZone)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return zoneCertToJSON(req.zone, c, StatusPendingDeletion), nil, nil
}

func handleDeleteHostnameCert(s *Server, req *apiRequest) (any, *resultInfo, *apiError) {
	c, apiErr := s.deleteCert(req, kindHostname)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return hostnameCertToJSON(c, StatusPendingDeletion), nil, nil
}

// deleteCert starts the deletion of a certificate: pending_deletion now,
// deleted after the delay, purged (404) after another delay. As observed, a
// certificate still pending deployment is refused with 1434 (the client
// waits until it is active), and a hostname certificate still associated
// with a hostname (enabled true or false) with 1433. Deleting a certificate
// already pending deletion is refused with 1414 like any other change to
// it (observed for changes; for a repeated delete it is our inference), and
// deleting a deleted or unknown one is 404.
func (s *Server) deleteCert(req *apiRequest, kind certKind) (*certificate, *apiError) {
	c, apiErr := getCert(req, kind)
	if apiErr != nil {
		return nil, apiErr
	}
	switch c.status(req.now) {
	case StatusDeleted:
		return nil, errorf(http.StatusNotFound, codeCertNotFound, msgCertNotFound)
	case StatusPendingDeletion:
		return nil, certPendingDeletion(c)
	case StatusPendingDeployment:
		return nil, errorf(http.StatusBadRequest, codeCertPendingDeployment,
			"The certificate %s is still pending deployment; it can be deleted once it is active.", c.id)
	}
	if kind == kindHostname {
		var hosts []string
		for h, b := range req.zone.bindings {
			if !b.removed() && b.certID == c.id {
				hosts = append(hosts, h)
			}
		}
		if len(hosts) > 0 {
			sort.Strings(hosts)
			return nil, errorf(http.StatusBadRequest, codeCertInUse,
				"The certificate is in use by hostname associations: %s. Remove the associations (enabled: null) before deleting it.",
				strings.Join(hosts, ", "))
		}
	}
	c.deleteRequestedAt = req.now
	c.deletedAt = req.now.Add(s.certDeleteDelayLocked())
	c.purgeAt = c.deletedAt.Add(s.certDeleteDelayLocked())
	return c, nil
}

// certPendingDeletion refuses a change to a certificate pending deletion.
func certPendingDeletion(c *certificate) *apiError {
	return errorf(http.StatusBadRequest, codeCertPendingDeletion,
		"The certificate %s is pending deletion and cannot be changed or used.", c.id)
}
