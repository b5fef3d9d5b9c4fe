package provider

import (
	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/uploadjournal"
)

// journalKind names a certificate kind as the upload journal records it.
func journalKind(k cfapi.CertificateKind) uploadjournal.Kind {
	if k == cfapi.HostnameCertificate {
		return uploadjournal.HostnameCertificate
	}
	return uploadjournal.ZoneCertificate
}
