package cfapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// maxPEMSize bounds what a CA download may return; a CA bundle is a few KiB.
const maxPEMSize = 1 << 20

// FetchPEM downloads a public PEM document (Cloudflare's origin-pull CA) with
// the client's user agent and retries. It sends no credentials: the URL is public.
func (c *Client) FetchPEM(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPEMSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if len(body) > maxPEMSize {
		return nil, fmt.Errorf("fetch %s: response larger than %d bytes", url, maxPEMSize)
	}
	return body, nil
}
