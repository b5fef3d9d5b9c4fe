package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// NewHostnameCertificateResource manages a per-hostname client certificate.
func NewHostnameCertificateResource() resource.Resource {
	return &certificateResource{
		kind:       cfapi.HostnameCertificate,
		typeSuffix: "hostname_certificate",
		description: "A **per-hostname** client certificate (`/zones/{zone_id}/origin_tls_client_auth/hostnames/certificates`). " +
			"Cloudflare presents it for the hostnames bound to it with `cfaop_hostname_binding`; a zone holds at most 10.\n\n" +
			"Validated at plan time like `cfaop_zone_certificate`. A certificate that hostnames are still bound to cannot be deleted: " +
			"destroy then fails with the list of bound hostnames. To rotate without a gap, give the new certificate " +
			"`create_before_destroy` and point the bindings at it; the old one is deleted only after they have moved.\n\n" +
			"Prefer `private_key_wo` (Terraform 1.11+) so the private key never lands in state.",
	}
}
