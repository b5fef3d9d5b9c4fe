package provider

import (
	"context"
	"sort"
	"sync"
)

// bindingRegistry remembers, for the life of the provider process, the
// hostnames that bindings moved off a certificate or removed from it
// without waiting for Cloudflare (wait_for_deployment = false).
//
// Deleting a certificate waits for the hostnames moved off it: deleted
// while their new associations are still deploying, it would leave them
// without a certificate, the gap a create_before_destroy rotation exists
// to avoid. Removed hostnames need no such wait, and a read of each would
// double a large destroy's requests: Cloudflare itself refuses the
// deletion (1433) while an association remains, and that refusal is
// retried for as long as the delete timeout allows.
type bindingRegistry struct {
	mu      sync.Mutex
	off     map[string]map[string]bool // "zone/certificate" -> hostnames moved off it
	removed map[string]bool            // "zone/certificate" with hostnames removed from it
}

func newBindingRegistry() *bindingRegistry {
	return &bindingRegistry{off: map[string]map[string]bool{}, removed: map[string]bool{}}
}

// removing records that a hostname's association with certID is being
// removed.
func (r *bindingRegistry) removing(zoneID, certID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed[zoneID+"/"+certID] = true
}

// hasRemovals reports whether associations with certID are being removed.
func (r *bindingRegistry) hasRemovals(zoneID, certID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.removed[zoneID+"/"+certID]
}

// leaving records that hostname moved from certificate certID to another.
func (r *bindingRegistry) leaving(zoneID, certID, hostname string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := zoneID + "/" + certID
	if r.off[k] == nil {
		r.off[k] = map[string]bool{}
	}
	r.off[k][hostname] = true
}

// leavers lists the hostnames recorded as leaving certID, sorted.
func (r *bindingRegistry) leavers(zoneID, certID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for h := range r.off[zoneID+"/"+certID] {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// settled forgets hostnames that have left certID.
func (r *bindingRegistry) settled(zoneID, certID string, hostnames []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := zoneID + "/" + certID
	for _, h := range hostnames {
		delete(r.off[k], h)
	}
	if len(r.off[k]) == 0 {
		delete(r.off, k)
	}
}

// waitLeavers waits until every hostname recorded as leaving the
// certificate has left it.
func (d *providerData) waitLeavers(ctx context.Context, zoneID, certID string) error {
	hosts := d.registry.leavers(zoneID, certID)
	if len(hosts) == 0 {
		return nil
	}
	if err := d.associations.waitOff(ctx, zoneID, certID, hosts); err != nil {
		return err
	}
	d.registry.settled(zoneID, certID, hosts)
	return nil
}
