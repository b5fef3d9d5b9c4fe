package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// NewZoneCertificateResource manages the zone-level client certificate.
func NewZoneCertificateResource() resource.Resource {
	return &certificateResource{
		kind:       cfapi.ZoneCertificate,
		typeSuffix: "zone_certificate",
		description: "A **zone-level** client certificate (`/zones/{zone_id}/origin_tls_client_auth`): Cloudflare presents it to every origin " +
			"of the zone while `cfaop_zone_setting` is enabled, except for hostnames with a per-hostname binding.\n\n" +
			"The certificate and key are checked at plan time (one leaf certificate, not a CA, valid dates, a matching unencrypted key), " +
			"so Cloudflare's upload errors 1412 and 1406 never surprise an apply. Create waits until Cloudflare reports `active`; " +
			"destroy waits until the certificate is gone. Certificates are immutable: a new certificate replaces the resource, and " +
			"`create_before_destroy` keeps one active throughout a rotation.\n\n" +
			"Prefer `private_key_wo` (Terraform 1.11+) so the private key never lands in state.",
	}
}
