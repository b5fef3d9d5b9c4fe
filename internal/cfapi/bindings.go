package cfapi

import (
	"context"
	"net/url"
	"time"

	aop "github.com/cloudflare/cloudflare-go/v7/origin_tls_client_auth"
)

// BindingChange is one entry of a PUT .../hostnames request. Remove sends
// enabled: null, which deletes the association (false only disables it).
type BindingChange struct {
	Hostname string
	CertID   string
	Enabled  bool
	Remove   bool
}

// Binding is a hostname's association with a hostname certificate.
type Binding struct {
	Hostname      string
	CertID        string
	Enabled       bool
	Status        string
	CertStatus    string
	ExpiresOn     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	CertUpdatedAt time.Time
}

// PutBindings applies several association changes in one request. The API
// applies all or none of them.
func (c *Client) PutBindings(ctx context.Context, zoneID string, changes []BindingChange) ([]Binding, error) {
	if err := checkZoneID("update hostname associations", zoneID); err != nil {
		return nil, err
	}
	cfg := make([]aop.HostnameUpdateParamsConfig, len(changes))
	for i, ch := range changes {
		// The body's values are not in the path, but a malformed one would
		// only come back as Cloudflare's refusal of the whole batch.
		if err := checkHostname("update hostname associations", "hostname", ch.Hostname); err != nil {
			return nil, err
		}
		if err := checkZoneAndCertificate("update hostname associations", zoneID, ch.CertID); err != nil {
			return nil, err
		}
		cfg[i].Hostname.Value, cfg[i].Hostname.Present = ch.Hostname, true
		cfg[i].CERTID.Value, cfg[i].CERTID.Present = ch.CertID, true
		if ch.Remove {
			cfg[i].Enabled.Null, cfg[i].Enabled.Present = true, true
		} else {
			cfg[i].Enabled.Value, cfg[i].Enabled.Present = ch.Enabled, true
		}
	}
	var p aop.HostnameUpdateParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	p.Config.Value, p.Config.Present = cfg, true
	page, err := c.hostnames.Update(ctx, p)
	if err != nil {
		return nil, wrap("update hostname associations", PermSSLEdit, err)
	}
	out := make([]Binding, 0, len(page.Result))
	for _, r := range page.Result {
		b := bindingFrom(r.AuthenticatedOriginPull)
		if r.Hostname != "" {
			b.Hostname = r.Hostname
		}
		if r.CERTID != "" {
			b.CertID = r.CERTID
		}
		b.Enabled = r.Enabled
		out = append(out, b)
	}
	return out, nil
}

// GetBinding reads one hostname's association.
func (c *Client) GetBinding(ctx context.Context, zoneID, hostname string) (Binding, error) {
	if err := checkZoneID("read hostname association", zoneID); err != nil {
		return Binding{}, err
	}
	if err := checkHostname("read hostname association", "hostname", hostname); err != nil {
		return Binding{}, err
	}
	var p aop.HostnameGetParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	r, err := c.hostnames.Get(ctx, url.PathEscape(hostname), p)
	if err != nil {
		return Binding{}, wrap("read hostname association "+hostname, PermSSLRead, err)
	}
	return bindingFrom(*r), nil
}

func bindingFrom(r aop.AuthenticatedOriginPull) Binding {
	return Binding{
		Hostname: r.Hostname, CertID: r.CERTID, Enabled: r.Enabled, Status: string(r.Status),
		CertStatus: string(r.CERTStatus), ExpiresOn: r.ExpiresOn, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, CertUpdatedAt: r.CERTUpdatedAt,
	}
}
