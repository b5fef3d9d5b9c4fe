package cfapi

import (
	"context"
	"regexp"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// privateKeyPEM matches a PEM private key block of any type, or its
// beginning when the rest was cut off. Compiled on first use, not at every
// start of the provider (see ids.go).
var privateKeyPEM = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)`)
})

// credentialFields are log field keys whose values are never shown.
var credentialFields = []string{"authorization", "Authorization", "x-auth-key", "X-Auth-Key", "api_token", "api_key", "private_key"}

// RedactLogs masks, in everything logged through ctx, the credentials, the
// fields that would hold them and any PEM private key. The client logs
// neither headers nor bodies; this is a second line of defence for error
// texts that might quote them.
func RedactLogs(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, credentialFields...)
	ctx = tflog.MaskLogRegexes(ctx, privateKeyPEM())
	if len(secrets) > 0 {
		ctx = tflog.MaskLogStrings(ctx, secrets...)
	}
	return ctx
}

// credentials are the configured secrets, for RedactLogs.
func (cfg Config) credentials() []string {
	var out []string
	for _, s := range []string{cfg.APIToken, cfg.APIKey} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
