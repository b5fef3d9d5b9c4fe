package provider

import (
	"context"
	"sort"
	"sync"
)

// bindingRegistry remembers, for the life of the provider process, the
// hostnames that bindings moved off a certificate or removed from it
// without waiting for Cloudflare (wait_for_deployment = false). Deleting
// that certificate waits for them first: a certificate deleted while its
// hostnames' new associations are still deploying would leave those
// hostnames without a certificate, which is the gap a create_before_destroy
// rotation exists to avoid.
type bindingRegistry struct {
	mu  sync.Mutex
	off map[string]map[string]bool // "zone/certificate" -> hostnames leaving it
}

func newBindingRegistry() *bindingRegistry {
	return &bindingRegistry{off: map[string]map[string]bool{}}
}

// leaving records that hostname is leaving certificate certID of the zone.
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
