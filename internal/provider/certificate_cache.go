package provider

import (
	"context"
	"sync"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// certificateCache serves certificate reads from one list request per zone
// and kind, shared by all resources of a Terraform run: a refresh of many
// certificates costs one request instead of one each, which keeps large zones
// far below Cloudflare's rate limit. Writes invalidate the zone's entry.
type certificateCache struct {
	client *cfapi.Client

	mu      sync.Mutex
	entries map[certificateCacheKey]*certificateCacheEntry
}

type certificateCacheKey struct {
	kind   cfapi.CertificateKind
	zoneID string
}

type certificateCacheEntry struct {
	ready chan struct{} // closed when certs and err are set
	certs map[string]cfapi.Certificate
	err   error
}

func newCertificateCache(client *cfapi.Client) *certificateCache {
	return &certificateCache{client: client, entries: map[certificateCacheKey]*certificateCacheEntry{}}
}

// Get returns one certificate. One caller per zone and kind lists them; the
// others wait for that answer. A certificate missing from the list (deleted
// certificates are not listed) is read by ID, so its exact status or the
// API's 404 reaches the caller.
func (c *certificateCache) Get(ctx context.Context, kind cfapi.CertificateKind, zoneID, id string) (cfapi.Certificate, error) {
	e, err := c.entry(ctx, kind, zoneID)
	if err == nil && e.err == nil {
		if cert, found := e.certs[id]; found {
			return cert, nil
		}
	}
	if err != nil {
		return cfapi.Certificate{}, err
	}
	return c.client.GetCertificate(ctx, kind, zoneID, id)
}

// List returns the zone's certificates of one kind from the same listing.
func (c *certificateCache) List(ctx context.Context, kind cfapi.CertificateKind, zoneID string) ([]cfapi.Certificate, error) {
	e, err := c.entry(ctx, kind, zoneID)
	if err == nil {
		err = e.err
	}
	if err != nil {
		return nil, err
	}
	out := make([]cfapi.Certificate, 0, len(e.certs))
	for _, cert := range e.certs {
		out = append(out, cert)
	}
	return out, nil
}

// entry returns the zone's listing, made by the first caller.
func (c *certificateCache) entry(ctx context.Context, kind cfapi.CertificateKind, zoneID string) (*certificateCacheEntry, error) {
	key := certificateCacheKey{kind, zoneID}
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &certificateCacheEntry{ready: make(chan struct{})}
		c.entries[key] = e
		c.mu.Unlock()
		certs, err := c.client.ListCertificates(ctx, kind, zoneID)
		e.err = err
		e.certs = make(map[string]cfapi.Certificate, len(certs))
		for _, cert := range certs {
			e.certs[cert.ID] = cert
		}
		close(e.ready)
		if err != nil {
			c.invalidate(key, e) // a failed listing is not remembered
		}
		return e, nil
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Invalidate forgets a zone's certificates of one kind after a write.
func (c *certificateCache) Invalidate(kind cfapi.CertificateKind, zoneID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, certificateCacheKey{kind, zoneID})
}

func (c *certificateCache) invalidate(key certificateCacheKey, e *certificateCacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] == e {
		delete(c.entries, key)
	}
}
