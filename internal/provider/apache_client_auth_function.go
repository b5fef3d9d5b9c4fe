package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &apacheClientAuthFunction{}

// NewApacheClientAuthFunction returns the apache_client_auth function.
func NewApacheClientAuthFunction() function.Function { return &apacheClientAuthFunction{} }

type apacheClientAuthFunction struct{}

func (f *apacheClientAuthFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "apache_client_auth"
}

func (f *apacheClientAuthFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render the Apache directives that require Cloudflare's client certificate",
		MarkdownDescription: "Returns the Apache mod_ssl directives that make the origin require a client certificate signed by a " +
			"CA in `ca_file`, the bundle built by `origin_trust_bundle`. The text is one directive per line, each line ending with " +
			"a newline, after a comment line saying it was generated for Cloudflare Authenticated Origin Pulls:\n\n" +
			"```apache\n" + origincfg.GeneratedComment + "\n" +
			"SSLVerifyClient require\nSSLCACertificateFile \"/etc/apache2/cloudflare-aop-ca.pem\"\nSSLVerifyDepth 1\n```\n\n" +
			"Place the directives **inside each `<VirtualHost>`** that Cloudflare proxies, not at server level: a server that hosts " +
			"several hostnames can then require client certificates for some of them only. They cannot be scoped to a " +
			"`<Directory>` or `<Location>`: the client certificate is checked during the TLS handshake, before Apache knows which " +
			"path is requested (a per-directory `SSLVerifyClient` needs a TLS renegotiation, which TLS 1.3 and HTTP/2 do not offer). " +
			"The arguments are validated so they can never inject configuration.\n\n" + whyFunctions,
		Parameters: []function.Parameter{
			caFileParameter("Apache", "SSLCACertificateFile"),
			verifyDepthParameter("SSLVerifyDepth"),
		},
		Return: function.StringReturn{},
	}
}

func (f *apacheClientAuthFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	runClientAuth(ctx, req, resp, origincfg.ApacheClientAuth)
}
