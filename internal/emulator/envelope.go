package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes answered by the emulator; doc.go has the full table and says
// which codes Cloudflare documents, which are observed, and which are ours.
const (
	codeAuth                  = 10000
	codeNoRoute               = 7003
	codeMethodNotAllowed      = 7001
	codeInvalidJSON           = 1001
	codeInvalidRequest        = 1002
	codeInvalidSetting        = 1007
	codeCertNotFound          = 1404
	codeCertExists            = 1406
	codeInvalidCert           = 1408
	codeLeafOnly              = 1412
	codeKeyMismatch           = 1413
	codeCertPendingDeletion   = 1414
	codeInvalidCertID         = 1415
	codeCertLimit             = 1416
	codeInvalidHostname       = 1418
	codeAssociationLimit      = 1419
	codeDuplicateHost         = 1420
	codeInvalidKey            = 1421
	codeCertInUse             = 1433
	codeCertPendingDeployment = 1434
	codeZoneCertBusy          = 1435
	codeHostnameNotFound      = 1553
	codeRateLimited           = 971
	codeInjectedFault         = 10001
)

// Messages fixed by the real API (observed or documented; see doc.go).
const (
	msgAuth          = "Authentication error"
	msgNoRoute       = "No route for the URI"
	msgCertExists    = "This certificate already exists for this zone."
	msgLeafOnly      = "Only leaf certificate is allowed."
	msgKeyMismatch   = "The private key does not match the certificate."
	msgInvalidCertID = "Certificate ID in request is either invalid or the certificate has been deleted"
	msgCertNotFound  = "Certificate not found"
	// The observed message starts with an elided prefix ("… setting for
	// this hostname not found"); the first words are ours.
	msgHostnameNotFound = "Authenticated Origin Pulls setting for this hostname not found"
	msgRateLimited      = "More than 1200 requests per 300 seconds reached. Please wait and consider throttling your request speed"
)

// apiError is an error answered to the client in the Cloudflare envelope.
type apiError struct {
	Status  int
	Code    int
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d, code %d: %s", e.Status, e.Code, e.Message)
}

func errorf(status, code int, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// responseMessage is one item of "errors" or "messages".
type responseMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// resultInfo is the pagination block of list responses.
type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
}

type envelope struct {
	Success    bool              `json:"success"`
	Errors     []responseMessage `json:"errors"`
	Messages   []responseMessage `json:"messages"`
	Result     any               `json:"result"`
	ResultInfo *resultInfo       `json:"result_info,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"success":false,"errors":[{"code":10001,"message":"internal error encoding the response"}],"messages":[],"result":null}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func writeSuccess(w http.ResponseWriter, result any, info *resultInfo) {
	writeJSON(w, http.StatusOK, envelope{
		Success:    true,
		Errors:     []responseMessage{},
		Messages:   []responseMessage{},
		Result:     result,
		ResultInfo: info,
	})
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, envelope{
		Success:  false,
		Errors:   []responseMessage{{Code: e.Code, Message: e.Message}},
		Messages: []responseMessage{},
		Result:   nil,
	})
}
