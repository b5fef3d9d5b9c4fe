package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// zoneCheck reads each zone a run would write to once (GET /zones/{id}) and
// turns the answer into the plan-time checks that need it: the zone exists,
// Cloudflare accepts the credentials, and hostnames lie inside the zone's
// name. Resources only ask for it when their plan would write, so a
// no-change plan keeps its request count.
type zoneCheck struct {
	client *cfapi.Client
	// credentials names where the credentials came from, for the
	// diagnostic of a refused token (e.g. "CLOUDFLARE_API_TOKEN").
	credentials string

	names oncePerKey[string] // zone ID -> name

	mu      sync.Mutex
	refusal bool            // the credentials diagnostic was given in this run
	missing map[string]bool // zones whose "not found" diagnostic was given
}

func newZoneCheck(client *cfapi.Client, credentials string) *zoneCheck {
	return &zoneCheck{client: client, credentials: credentials, missing: map[string]bool{}}
}

// name returns the zone's name, reading it once per run; concurrent callers
// for the same zone wait for the one request.
func (z *zoneCheck) name(ctx context.Context, zoneID string) (string, error) {
	return z.names.get(ctx, zoneID, func() (string, error) { return z.client.ZoneName(ctx, zoneID) })
}

// check verifies, before anything is written to zoneID, that the zone exists
// and that Cloudflare accepts the credentials. It returns the zone's name
// ("" when unknown). A refused credential is reported once per run and a
// missing zone once per zone: the other resources of the run add nothing,
// since the first error already stops the plan. Other failures (network,
// 5xx) are not conclusive and are left to the write, which reports them.
func (z *zoneCheck) check(ctx context.Context, zoneID string, zoneAttr path.Path) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	name, err := z.name(ctx, zoneID)
	if err == nil {
		return name, diags
	}
	switch {
	case isCredentialRefusal(err):
		if z.firstRefusal() {
			diags.AddError(summaryCredentialsRefused, credentialsRefusedDetail(z.credentials, err))
		}
	case cfapi.IsNotFound(err) || cfapi.HasCode(err, cfapi.CodeNoRoute):
		z.mu.Lock()
		first := !z.missing[zoneID]
		z.missing[zoneID] = true
		z.mu.Unlock()
		if first {
			diags.AddAttributeError(zoneAttr, "Zone Not Found",
				fmt.Sprintf("Cloudflare has no zone with ID %s that these credentials can see, so nothing was written to it. "+
					"Check the ID: it is shown on the zone's Overview page in the Cloudflare dashboard (API section, \"Zone ID\"), "+
					"or ask the API with GET /client/v4/zones?name=<zone name>. If the ID is right, the credentials (%s) lack access to this zone.\n\n"+
					"Cloudflare said: %s", zoneID, z.credentials, apiCodes(err)))
		}
	default:
		tflog.Debug(ctx, "Zone check not conclusive; the write will report what Cloudflare says", map[string]any{"zone_id": zoneID, "error": err.Error()})
	}
	return "", diags
}

// firstRefusal reports whether no diagnostic about refused credentials was
// given in this run yet, and notes that one is now.
func (z *zoneCheck) firstRefusal() bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	first := !z.refusal
	z.refusal = true
	return first
}

// Summary of the one diagnostic a run gives for refused credentials; the
// resources that fail for the same reason afterwards refer to it.
const summaryCredentialsRefused = "Cloudflare Refused The Credentials"

// isCredentialRefusal reports whether Cloudflare refused the token or key
// (HTTP 401/403, code 10000 authentication error or 9109 unauthorized).
func isCredentialRefusal(err error) bool {
	var apiErr *cfapi.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden ||
		apiErr.HasCode(cfapi.CodeAuthentication) || apiErr.HasCode(codeUnauthorized)
}

// codeUnauthorized is Cloudflare's code for a token that may not access the
// resource, e.g. an IP-restricted token (observed API behaviour).
const codeUnauthorized = 9109

func credentialsRefusedDetail(source string, err error) string {
	var apiErr *cfapi.APIError
	if errors.As(err, &apiErr) && apiErr.Needs != "" {
		// A 403 answers a wrong token and a token without the permission
		// alike [obs]: name the permission this request needed.
		return fmt.Sprintf("Cloudflare refused the credentials from %s, so Terraform wrote nothing. %s "+
			"Also check that the token may use this zone (its zone resources) and that its IP filter admits this machine.\n\n"+
			"Cloudflare said: %s", source, permissionHint(apiErr.Needs), apiCodes(err))
	}
	return fmt.Sprintf("Cloudflare refused the credentials from %s, so Terraform wrote nothing. Check that the token is the current one "+
		"(not revoked, expired or mistyped; a new token can take a minute to work), that it may use this zone (its zone resources), "+
		"that it has the permission Zone → Zone → Read (this check reads the zone before anything is written) besides what the resource needs "+
		"(Zone → SSL and Certificates → Edit; Zone → Zone Settings → Edit for cfaop_global_setting), and that its IP filter admits this machine.\n\n"+
		"Cloudflare said: %s", source, apiCodes(err))
}

// apiCodes is Cloudflare's answer in one line: HTTP status, codes and messages.
func apiCodes(err error) string {
	var apiErr *cfapi.APIError
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	parts := make([]string, 0, len(apiErr.Errors))
	for _, it := range apiErr.Errors {
		parts = append(parts, fmt.Sprintf("%d %s", it.Code, it.Message))
	}
	if len(parts) == 0 {
		parts = append(parts, http.StatusText(apiErr.StatusCode))
	}
	return fmt.Sprintf("HTTP %d, %s", apiErr.StatusCode, strings.Join(parts, "; "))
}

// inZone reports whether hostname is the zone's apex or a name below it.
func inZone(hostname, zoneName string) bool {
	return hostname == zoneName || strings.HasSuffix(hostname, "."+zoneName)
}

// credentialsOrigin names where the provider's credentials came from.
func credentialsOrigin(cfg providerModel) string {
	switch {
	case stringOr(cfg.APIToken, "") != "":
		return "api_token in the provider block"
	case os.Getenv(cfapi.EnvAPIToken) != "":
		return cfapi.EnvAPIToken
	case stringOr(cfg.APIKey, "") != "":
		return "api_key and email in the provider block"
	}
	return cfapi.EnvAPIKey + " and " + cfapi.EnvEmail
}
