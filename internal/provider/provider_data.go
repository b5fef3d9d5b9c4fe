package provider

import (
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/coalesce"
	"github.com/cfaop/terraform-provider-cfaop/internal/uploadjournal"
)

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client        *cfapi.Client
	bindings      *coalesce.Coalescer
	certificates  *certificateCache
	zones         *zoneCheck
	limits        *limitTally
	sslModes      *sslModeCache          // each zone's SSL/TLS mode, read once per process
	journal       *uploadjournal.Journal // nil when off
	globalCAURL   string
	expiryWarning time.Duration
	poll          pollSchedule
	retryPause    time.Duration     // the first wait after a failed request; later ones double
	clock         func() time.Time  // nil: time.Now; read it through now()
	associations  *associationWatch // shared waits for hostname associations
	registry      *bindingRegistry  // hostnames leaving certificates in this process
	// claimed holds "kind/zone/fingerprint" of each certificate a resource
	// of this run creates, so that no second resource adopts it.
	claimed sync.Map
}

// now is the provider's clock. It is safe on a nil providerData, because
// ValidateConfig may run before the provider is configured.
func (d *providerData) now() time.Time {
	if d == nil || d.clock == nil {
		return time.Now()
	}
	return d.clock()
}

// configuredData extracts the provider's data in a resource's or data
// source's Configure. It returns nil before the provider is configured.
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// requireCredentials fails the Configure of an entity that needs
// Cloudflare's authenticated API when the provider has no credentials, so
// the plan stops before any request and says where to set them. Without
// credentials the provider still serves what Cloudflare publishes, for
// origin-side configurations that should not hold a token.
func requireCredentials(data *providerData, entity string, diags *diag.Diagnostics) {
	if data == nil || data.client == nil || data.client.HasCredentials() {
		return
	}
	diags.AddError("Missing Cloudflare Credentials",
		fmt.Sprintf("%s reads or changes Cloudflare's API and needs credentials, but the provider has none. "+
			"Set the environment variable %s (in HCP Terraform, a sensitive environment variable of the workspace) or api_token "+
			"in the provider block; or api_key and email (%s and %s). The documentation lists the token permissions each resource "+
			"needs.\n\nWithout credentials the provider serves cfaop_global_ca, cfaop_ip_ranges, cfaop_origin_probe and its functions.",
			entity, cfapi.EnvAPIToken, cfapi.EnvAPIKey, cfapi.EnvEmail))
}
