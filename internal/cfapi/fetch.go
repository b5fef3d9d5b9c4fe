package cfapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxPEMSize bounds what a CA download may return; a CA bundle is a few KiB.
const maxPEMSize = 1 << 20

// ErrUnsafeURL wraps every document URL FetchPEM refuses; nothing is sent for it.
var ErrUnsafeURL = errors.New("URL refused")

// CheckDocumentURL accepts the URL of a public document (the origin-pull
// CA): https, or plain http to a loopback host (the emulator), and no user
// info. The CA is a trust anchor for the origin, so it must not travel in
// clear text where it can be swapped. The error never shows user info.
func CheckDocumentURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%s is not a valid URL (%w)", ShowURL(raw), ErrUnsafeURL)
	case u.User != nil:
		return fmt.Errorf("%s contains user info (user:password@): remove it, the CA is a public document (%w)", ShowURL(raw), ErrUnsafeURL)
	case u.Scheme != "https" && u.Scheme != "http", u.Hostname() == "":
		return fmt.Errorf("%s is not an https:// URL with a host name (%w)", ShowURL(raw), ErrUnsafeURL)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return fmt.Errorf("%s uses plain http:// for a host that is not this machine, so the CA could be swapped on the way: "+
			"use https:// (plain http:// is accepted only for 127.0.0.0/8, ::1 or localhost) (%w)", ShowURL(raw), ErrUnsafeURL)
	}
	return nil
}

// ShowURL quotes a URL for a message or log line without its user info.
func ShowURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "(URL not shown: it holds an @, perhaps credentials)"
		}
		return fmt.Sprintf("%q", raw)
	}
	u.User = nil
	return fmt.Sprintf("%q", u.String())
}

// FetchPEM downloads a public PEM document (Cloudflare's origin-pull CA) with
// the client's user agent and retries. It sends no credentials (the SDK adds
// them per API request; this request is built here without them) and follows
// redirects only as checkDocumentRedirect allows.
func (c *Client) FetchPEM(ctx context.Context, rawURL string) ([]byte, error) {
	if err := CheckDocumentURL(rawURL); err != nil {
		return nil, fmt.Errorf("fetch: %w; no request was sent", err)
	}
	shown := ShowURL(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", shown, err)
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	resp, err := c.docClient.Do(req)
	if err != nil {
		// A refused redirect's url.Error carries the raw Location, user
		// info included: report only the reason.
		if refused, ok := errorsAs[*documentRedirectError](err); ok {
			return nil, fmt.Errorf("fetch %s: %w", shown, refused)
		}
		return nil, fmt.Errorf("fetch %s: %w", shown, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: HTTP %d", shown, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPEMSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", shown, err)
	}
	if len(body) > maxPEMSize {
		return nil, fmt.Errorf("fetch %s: response larger than %d bytes", shown, maxPEMSize)
	}
	return body, nil
}
