package cfapi

import (
	"context"
	"time"

	aop "github.com/cloudflare/cloudflare-go/v7/origin_tls_client_auth"
)

// CertificateKind tells the two kinds of uploaded client certificate apart.
type CertificateKind int

const (
	// ZoneCertificate is presented for every hostname of a zone with zone-level AOP on.
	ZoneCertificate CertificateKind = iota
	// HostnameCertificate is presented for the hostnames bound to it.
	HostnameCertificate
)

func (k CertificateKind) String() string {
	if k == HostnameCertificate {
		return "hostname certificate"
	}
	return "zone certificate"
}

// Certificate status values, as the API spells them.
const (
	StatusInitializing       = "initializing"
	StatusPendingDeployment  = "pending_deployment"
	StatusActive             = "active"
	StatusPendingDeletion    = "pending_deletion"
	StatusDeleted            = "deleted"
	StatusDeploymentTimedOut = "deployment_timed_out"
	StatusDeletionTimedOut   = "deletion_timed_out"
)

// Certificate is an uploaded client certificate as the API reports it.
// SerialNumber is empty for zone certificates: the API does not return it.
type Certificate struct {
	ID           string
	Certificate  string
	Status       string
	Issuer       string
	SerialNumber string
	Signature    string
	ExpiresOn    time.Time
	UploadedOn   time.Time
}

// ListCertificates lists a zone's certificates of one kind.
func (c *Client) ListCertificates(ctx context.Context, kind CertificateKind, zoneID string) ([]Certificate, error) {
	if err := checkZoneID("list "+kind.String()+"s", zoneID); err != nil {
		return nil, err
	}
	var out []Certificate
	if kind == HostnameCertificate {
		var p aop.HostnameCertificateListParams
		p.ZoneID.Value, p.ZoneID.Present = zoneID, true
		page, err := c.hostCerts.List(ctx, p)
		if err != nil {
			return nil, wrap("list hostname certificates", PermSSLRead, err)
		}
		for _, r := range page.Result {
			out = append(out, Certificate{ID: r.ID, Certificate: r.Certificate, Status: string(r.Status), Issuer: r.Issuer,
				SerialNumber: r.SerialNumber, Signature: r.Signature, ExpiresOn: r.ExpiresOn, UploadedOn: r.UploadedOn})
		}
		return out, nil
	}
	var p aop.ZoneCertificateListParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	page, err := c.certs.List(ctx, p)
	if err != nil {
		return nil, wrap("list zone certificates", PermSSLRead, err)
	}
	for _, r := range page.Result {
		out = append(out, zoneCert(r.ID, r.Certificate, r.ZoneAuthenticatedOriginPull))
	}
	return out, nil
}

// GetCertificate reads one certificate.
func (c *Client) GetCertificate(ctx context.Context, kind CertificateKind, zoneID, id string) (Certificate, error) {
	if err := checkZoneAndCertificate("read "+kind.String(), zoneID, id); err != nil {
		return Certificate{}, err
	}
	if kind == HostnameCertificate {
		var p aop.HostnameCertificateGetParams
		p.ZoneID.Value, p.ZoneID.Present = zoneID, true
		r, err := c.hostCerts.Get(ctx, id, p)
		if err != nil {
			return Certificate{}, wrap("read hostname certificate "+id, PermSSLRead, err)
		}
		return Certificate{ID: r.ID, Certificate: r.Certificate, Status: string(r.Status), Issuer: r.Issuer,
			SerialNumber: r.SerialNumber, Signature: r.Signature, ExpiresOn: r.ExpiresOn, UploadedOn: r.UploadedOn}, nil
	}
	var p aop.ZoneCertificateGetParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	r, err := c.certs.Get(ctx, id, p)
	if err != nil {
		return Certificate{}, wrap("read zone certificate "+id, PermSSLRead, err)
	}
	return zoneCert(r.ID, r.Certificate, r.ZoneAuthenticatedOriginPull), nil
}

// UploadCertificate sends a certificate and its key. It is repeated only
// when Cloudflare answered 409 (another certificate write in the zone was in
// progress, so nothing was stored); on an ambiguous failure (see
// IsAmbiguous) the caller must list the zone's certificates to find out
// whether it was stored.
func (c *Client) UploadCertificate(ctx context.Context, kind CertificateKind, zoneID, certPEM, keyPEM string) (Certificate, error) {
	if err := checkZoneID("upload "+kind.String(), zoneID); err != nil {
		return Certificate{}, err
	}
	var out Certificate
	err := c.retryConflict(ctx, "upload "+kind.String(), func() error {
		var err error
		out, err = c.uploadCertificate(ctx, kind, zoneID, certPEM, keyPEM)
		return err
	})
	return out, err
}

func (c *Client) uploadCertificate(ctx context.Context, kind CertificateKind, zoneID, certPEM, keyPEM string) (Certificate, error) {
	if kind == HostnameCertificate {
		var p aop.HostnameCertificateNewParams
		p.ZoneID.Value, p.ZoneID.Present = zoneID, true
		p.Certificate.Value, p.Certificate.Present = certPEM, true
		p.PrivateKey.Value, p.PrivateKey.Present = keyPEM, true
		r, err := c.hostCerts.New(ctx, p)
		if err != nil {
			return Certificate{}, wrap("upload hostname certificate", PermSSLEdit, err)
		}
		return Certificate{ID: r.ID, Certificate: r.Certificate, Status: string(r.Status), Issuer: r.Issuer,
			SerialNumber: r.SerialNumber, Signature: r.Signature, ExpiresOn: r.ExpiresOn, UploadedOn: r.UploadedOn}, nil
	}
	var p aop.ZoneCertificateNewParams
	p.ZoneID.Value, p.ZoneID.Present = zoneID, true
	p.Certificate.Value, p.Certificate.Present = certPEM, true
	p.PrivateKey.Value, p.PrivateKey.Present = keyPEM, true
	r, err := c.certs.New(ctx, p)
	if err != nil {
		return Certificate{}, wrap("upload zone certificate", PermSSLEdit, err)
	}
	return zoneCert(r.ID, r.Certificate, r.ZoneAuthenticatedOriginPull), nil
}

// DeleteCertificate asks Cloudflare to delete a certificate; deletion
// completes asynchronously. A 409 (another certificate write in the zone in
// progress) is repeated, like for uploads.
func (c *Client) DeleteCertificate(ctx context.Context, kind CertificateKind, zoneID, id string) error {
	if err := checkZoneAndCertificate("delete "+kind.String(), zoneID, id); err != nil {
		return err
	}
	return c.retryConflict(ctx, "delete "+kind.String(), func() error {
		if kind == HostnameCertificate {
			var p aop.HostnameCertificateDeleteParams
			p.ZoneID.Value, p.ZoneID.Present = zoneID, true
			_, err := c.hostCerts.Delete(ctx, id, p)
			return wrap("delete hostname certificate "+id, PermSSLEdit, err)
		}
		var p aop.ZoneCertificateDeleteParams
		p.ZoneID.Value, p.ZoneID.Present = zoneID, true
		_, err := c.certs.Delete(ctx, id, p)
		return wrap("delete zone certificate "+id, PermSSLEdit, err)
	})
}

// zoneCert maps the SDK's zone certificate; the outer id/certificate win
// because the SDK embeds the same fields twice.
func zoneCert(id, pem string, r aop.ZoneAuthenticatedOriginPull) Certificate {
	if id == "" {
		id = r.ID
	}
	if pem == "" {
		pem = r.Certificate
	}
	return Certificate{ID: id, Certificate: pem, Status: string(r.Status), Issuer: r.Issuer,
		Signature: r.Signature, ExpiresOn: r.ExpiresOn, UploadedOn: r.UploadedOn}
}
