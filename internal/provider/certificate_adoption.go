package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// Adoption of a certificate Cloudflare already holds, for runs that keep no
// working directory (HCP Terraform, CI): a run killed after its upload and
// before saving state leaves a certificate the next run cannot upload again
// (1406). What the provider can prove about such a certificate:
//   - it has the same DER as the configuration's (fingerprint);
//   - its uploader held its private key (Cloudflare refuses an upload whose
//     key does not match), and this configuration holds that key too (Create
//     checks the pair before anything is sent), so it was not uploaded by
//     someone who could not have uploaded it from this configuration.
// What it cannot prove: that no other resource or Terraform state manages
// it. Two managers of one certificate break each other (a destroy of one
// deletes it under the other), so taking it over needs the user's consent:
// adopt_existing = true. Within one run, claims stop a second resource of
// the same provider from creating or adopting a certificate another one does.

func adoptExistingAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Take over a certificate with the same content that Cloudflare already holds in this zone, instead of " +
			"failing with \"Certificate Already Uploaded\". Use it to recover from a run that uploaded the certificate and ended " +
			"before saving state (a killed or cancelled run; HCP Terraform and CI runs keep no working directory), including a " +
			"rotation, where `terraform import` fails with \"Resource already managed by Terraform\". Only a certificate with the " +
			"same DER is adopted, and Cloudflare stores one only from someone holding its private key, which this configuration " +
			"holds too. Set it only when no other resource or Terraform state manages the same certificate: both would then manage " +
			"one certificate, and destroying either deletes it. Default `false`. Changing it never forces a new resource.",
		Optional: true,
	}
}

// claim records that a resource of this run creates the certificate with
// this fingerprint; false when another one already does. It is taken before
// the upload, so that a resource whose upload meets the other's certificate
// never adopts it, whichever finishes first.
func (d *providerData) claim(kind cfapi.CertificateKind, zoneID, fingerprint string) bool {
	_, taken := d.claimed.LoadOrStore(fmt.Sprintf("%d/%s/%s", kind, zoneID, fingerprint), struct{}{})
	return !taken
}

// claimOrRefuse takes the claim for Create, or reports why it cannot.
func (r *certificateResource) claimOrRefuse(zoneID, fingerprint string, diags *diag.Diagnostics) bool {
	if r.data.claim(r.kind, zoneID, fingerprint) {
		return true
	}
	diags.AddAttributeError(path.Root("certificate"), "Certificate Managed By Another Resource",
		fmt.Sprintf("Another resource of this configuration uploads or adopts the same certificate (SHA-256 %s) as a %s in zone %s "+
			"in this run: two resources must not manage one certificate. Keep the certificate in one resource only.",
			fingerprint, r.kind, zoneID))
	return false
}

// adoptConsented reports whether to take over found because the
// configuration consents with adopt_existing.
func (r *certificateResource) adoptConsented(ctx context.Context, consent bool, zoneID, fingerprint string, found cfapi.Certificate, diags *diag.Diagnostics) bool {
	if !consent {
		return false
	}
	tflog.Warn(ctx, "Adopted an existing certificate (adopt_existing)", map[string]any{"certificate_id": found.ID, "status": found.Status})
	diags.AddWarning("Existing Certificate Adopted",
		fmt.Sprintf("Cloudflare already had this certificate (SHA-256 %s) as %s %s in zone %s, uploaded on %s, and adopt_existing "+
			"is true, so Terraform now manages that certificate instead of uploading it again. It has the same content, and its "+
			"private key matches this configuration's. If another resource or Terraform state also manages it, remove it there.",
			fingerprint, r.kind, found.ID, zoneID, formatTime(found.UploadedOn)))
	return true
}

// alreadyUploadedDetail explains a 1406 that was not adopted, with the
// recovery for each case: the provider cannot tell whether this resource is
// new in state (import works) or replaces an object there (import fails
// with "Resource already managed by Terraform"; adopt_existing works).
func (r *certificateResource) alreadyUploadedDetail(zoneID, fingerprint string, found *cfapi.Certificate, err error) string {
	existing := "Cloudflare did not say which certificate it is."
	importID := zoneID + "/<certificate_id>"
	if found != nil {
		existing = fmt.Sprintf("It is certificate %s (status %s).", found.ID, found.Status)
		importID = zoneID + "/" + found.ID
	}
	said := " Found at plan time in the zone's certificate list, so nothing was uploaded."
	if err != nil {
		said = " Cloudflare said: " + apiCodes(err) + "."
	}
	// Terraform does not tell a provider the address of the resource it
	// plans or applies, so the advice names the import ID exactly and
	// leaves the address to the user.
	return fmt.Sprintf("Cloudflare already has this certificate (SHA-256 %s) as a %s in zone %s, and Terraform did not upload it. %s "+
		"An earlier run may have uploaded it and ended before saving state.\n\n"+
		"If this resource is not yet in state, import the certificate: add this block next to the resource, with to set to this "+
		"resource's address as shown in the plan (for example %s.app, or module.edge.%s.app[\"key\"]), and apply again:\n\n"+
		"  import {\n    to = <this resource's address>\n    id = %q\n  }\n\n"+
		"or run terraform import '<this resource's address>' %s once.\n\n"+
		"If this resource replaces one already in state (a rotation, create_before_destroy, -replace), import fails with "+
		"\"Resource already managed by Terraform\": set adopt_existing = true on this resource and apply again.\n\n"+
		"Do neither if another resource or Terraform state manages this certificate.%s",
		fingerprint, r.kind, zoneID, existing, r.typeName(), r.typeName(), importID, importID, said)
}

// uploadAfterDeletion handles a 1406 for which no live certificate has this
// fingerprint: Cloudflare refuses a certificate while the same one is still
// being deleted (observed), as after a destroy that was killed and followed
// by an apply. It waits for that deletion and uploads again, at once when
// the listing shows the deletion already finished; retried is false only
// when the certificates could not be listed.
func (r *certificateResource) uploadAfterDeletion(ctx context.Context, zoneID, certPEM, keyPEM, fingerprint string) (c cfapi.Certificate, retried bool, err error) {
	// A failed listing proves nothing either way: the caller reports the
	// 1406 as it is.
	certs, listErr := r.data.client.ListCertificates(ctx, r.kind, zoneID)
	if listErr != nil {
		tflog.Debug(ctx, "Cannot list certificates after a 1406", map[string]any{"error": listErr.Error()})
		return cfapi.Certificate{}, false, nil //nolint:nilerr // the caller reports the 1406, which says more than the listing's error
	}
	var deleting *cfapi.Certificate
	for i, c := range certs {
		if parsed, perr := pemcert.ParseLeaf(c.Certificate); perr == nil && c.Status == cfapi.StatusPendingDeletion && pemcert.SHA256Fingerprint(parsed) == fingerprint {
			deleting = &certs[i]
			break
		}
	}
	if deleting == nil {
		// Neither live nor pending deletion any more: the deletion that
		// caused the 1406 finished between the upload and this listing.
		// Uploading again is safe, since Cloudflare refuses duplicates.
		tflog.Info(ctx, "The same certificate finished its deletion after refusing the upload; uploading it again")
		c, err = r.upload(ctx, zoneID, certPEM, keyPEM, fingerprint)
		return c, true, err
	}
	tflog.Info(ctx, "The same certificate is still being deleted; uploading it again once it is gone", map[string]any{"certificate_id": deleting.ID})
	_, err = r.data.poll.waitFor(ctx, fmt.Sprintf("%s %s (the same certificate) to be deleted before uploading it again", r.kind, deleting.ID),
		r.certificateCheck(zoneID, deleting.ID, func(got cfapi.Certificate) (bool, error) {
			if got.Status == cfapi.StatusDeletionTimedOut {
				return false, fmt.Errorf("cloudflare could not delete %s %s (status deletion_timed_out), so it refuses the same certificate again; contact Cloudflare support if it persists", r.kind, deleting.ID)
			}
			return got.Status == cfapi.StatusDeleted, nil
		}))
	if err != nil {
		return cfapi.Certificate{}, true, err
	}
	c, err = r.upload(ctx, zoneID, certPEM, keyPEM, fingerprint)
	return c, true, err
}
