package cfapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	aop "github.com/cloudflare/cloudflare-go/v7/origin_tls_client_auth"
)

// Cloudflare error codes the provider reacts to. Most are not documented by
// Cloudflare but observed in public reports (see the emulator's doc.go).
const (
	CodeAuthentication      = 10000
	CodeNoRoute             = 7003
	CodeCertificateExists   = 1406
	CodeOnlyLeafCertificate = 1412
	CodeInvalidCertificate  = 1415
	// CodeCertificatePendingDeletion refuses any change to a certificate
	// that is being deleted.
	CodeCertificatePendingDeletion = 1414
	// CodeCertificateInUse refuses deleting a hostname certificate that
	// hostnames are still associated with; callers also look at the
	// message, as the code is only observed.
	CodeCertificateInUse = 1433
	// CodeCertificatePendingDeployment refuses deleting a certificate that
	// is not active yet; it clears once the certificate is active.
	CodeCertificatePendingDeployment = 1434
	// CodeHostnameSettingNotFound answers (with HTTP 404) the read of a
	// hostname that has no association.
	CodeHostnameSettingNotFound = 1553
)

// ErrorItem is one entry of the envelope's errors array.
type ErrorItem struct {
	Code    int
	Message string
}

// APIError is an error answer from Cloudflare, with its codes.
type APIError struct {
	Op         string     // what the provider was doing, e.g. "upload zone certificate"
	Needs      Permission // the token permission Op needs, for 403 answers
	StatusCode int
	Errors     []ErrorItem
}

func (e *APIError) Error() string {
	var parts []string
	for _, it := range e.Errors {
		parts = append(parts, fmt.Sprintf("%d: %s", it.Code, it.Message))
	}
	detail := strings.Join(parts, "; ")
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s: Cloudflare API returned HTTP %d (%s)", e.Op, e.StatusCode, detail)
}

// HasCode reports whether Cloudflare answered with the given error code.
func (e *APIError) HasCode(code int) bool {
	for _, it := range e.Errors {
		if it.Code == code {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err says the object does not exist: HTTP 404,
// or code 1553 (no association for a hostname) whatever its status.
func IsNotFound(err error) bool {
	apiErr, ok := errorsAs[*APIError](err)
	return ok && (apiErr.StatusCode == http.StatusNotFound || apiErr.HasCode(CodeHostnameSettingNotFound))
}

// IsConflict reports whether Cloudflare refused a write with HTTP 409
// because another one was in progress; the refused write was not applied.
func IsConflict(err error) bool {
	apiErr, ok := errorsAs[*APIError](err)
	return ok && apiErr.StatusCode == http.StatusConflict
}

// HasCode reports whether err is an API error carrying code.
func HasCode(err error, code int) bool {
	apiErr, ok := errorsAs[*APIError](err)
	return ok && apiErr.HasCode(code)
}

// IsAmbiguous reports whether a write may have been applied although no
// success reached us: the connection broke after the request was sent, the
// answer timed out, or the server failed with a 5xx. Such a write must be
// reconciled by reading, never blindly repeated.
func IsAmbiguous(err error) bool {
	if err == nil {
		return false
	}
	if apiErr, ok := errorsAs[*APIError](err); ok {
		return apiErr.StatusCode >= 500
	}
	if _, ok := errorsAs[*RedirectError](err); ok {
		return false // a redirect is not a success: nothing was applied, nothing followed
	}
	if errors.Is(err, context.Canceled) {
		return true
	}
	if _, ok := errorsAs[*notSentError](err); ok {
		return false
	}
	return true
}

// wrap turns the SDK's error into an APIError that records the permission
// the operation needs, keeping transport errors as they are.
func wrap(op string, needs Permission, err error) error {
	if err == nil {
		return nil
	}
	if sdkErr, ok := errorsAs[*aop.Error](err); ok {
		out := &APIError{Op: op, Needs: needs, StatusCode: sdkErr.StatusCode}
		for _, it := range sdkErr.Errors {
			out.Errors = append(out.Errors, ErrorItem{Code: int(it.Code), Message: it.Message})
		}
		return out
	}
	if redirect, ok := errorsAs[*RedirectError](err); ok {
		// Drop the url.Error around it: it quotes the raw Location header,
		// which may hold user info.
		return fmt.Errorf("%s: %w", op, redirect)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// notSentError marks a transport failure that happened before the request
// left this machine (the connection could not be made), so repeating it is safe.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// isDialError reports whether err happened while connecting.
func isDialError(err error) bool {
	opErr, ok := errorsAs[*net.OpError](err)
	return ok && opErr.Op == "dial"
}
