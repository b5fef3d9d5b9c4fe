package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &nginxClientAuthFunction{}

// NewNginxClientAuthFunction returns the nginx_client_auth function.
func NewNginxClientAuthFunction() function.Function { return &nginxClientAuthFunction{} }

type nginxClientAuthFunction struct{}

func (f *nginxClientAuthFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "nginx_client_auth"
}

func (f *nginxClientAuthFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render the nginx directives that require Cloudflare's client certificate",
		MarkdownDescription: "Returns the nginx directives, for a `server` block, that make the origin require a client certificate " +
			"signed by a CA in `ca_file`, the bundle built by `origin_trust_bundle`. The text is one directive per line, each line " +
			"ending with a newline, after a comment line saying it was generated for Cloudflare Authenticated Origin Pulls:\n\n" +
			"```nginx\n" + origincfg.GeneratedComment + "\n" +
			"ssl_client_certificate /etc/nginx/cloudflare-aop-ca.pem;\nssl_verify_client on;\nssl_verify_depth 1;\n```\n\n" +
			"With `ssl_verify_client on`, nginx completes the TLS handshake but answers any request of a client that presents no such " +
			"certificate with HTTP 400 (\"No required SSL certificate was sent\"; \"The SSL certificate error\" for a certificate it " +
			"cannot verify), so only Cloudflare reaches the server block's content. Put the snippet in the `server` blocks of the proxied hostnames only; " +
			"`indent()` and `trimspace()` fit it into a heredoc. The arguments are validated so they can never inject configuration.\n\n" +
			whyFunctions,
		Parameters: []function.Parameter{
			caFileParameter("nginx", "ssl_client_certificate"),
			verifyDepthParameter("ssl_verify_depth"),
		},
		Return: function.StringReturn{},
	}
}

func (f *nginxClientAuthFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	runClientAuth(ctx, req, resp, origincfg.NginxClientAuth)
}

// The helpers below are shared with apache_client_auth, which takes the same
// arguments.

func caFileParameter(server, directive string) function.StringParameter {
	return function.StringParameter{
		Name: "ca_file",
		MarkdownDescription: fmt.Sprintf("Absolute path of the CA bundle on the origin (the `pem` of `origin_trust_bundle`, "+
			"installed as a file), written into `%s`. It must start with `/` (or a drive such as `C:/` on %s for Windows) and "+
			"contain only %s: no whitespace, quotes, semicolons, braces, `$`, `#` or backslashes, so it cannot end the directive "+
			"or inject other configuration.", directive, server, origincfg.AllowedPathCharacters),
	}
}

// verifyDepthParameter stays a Number checked by origincfg.VerifyDepth
// rather than an Int64Parameter with int64validator.Between: an Int64
// parameter refuses 1.5 with the framework's generic conversion error before
// any validator runs, and Between's "must be between 1 and 10" does not say
// what the depth counts or which value fits the global CA.
func verifyDepthParameter(directive string) function.NumberParameter {
	return function.NumberParameter{
		Name: "verify_depth",
		MarkdownDescription: fmt.Sprintf("Maximum length of the client certificate chain, written into `%s`: a whole number "+
			"from %d to %d. `1` is enough when a CA in the bundle signed Cloudflare's client certificate directly, as with the "+
			"global CA; raise it when your client certificates are issued by an intermediate CA.",
			directive, origincfg.MinVerifyDepth, origincfg.MaxVerifyDepth),
	}
}

// runClientAuth validates ca_file (argument 0) and verify_depth (argument 1)
// and returns what render makes of them.
func runClientAuth(ctx context.Context, req function.RunRequest, resp *function.RunResponse, render func(string, int) (string, error)) {
	var caFile string
	var depthNumber *big.Float
	resp.Error = req.Arguments.Get(ctx, &caFile, &depthNumber)
	if resp.Error != nil {
		return
	}
	if err := origincfg.CheckCAFile(caFile); err != nil {
		resp.Error = function.NewArgumentFuncError(0, funcErrorText(err.Error()))
		return
	}
	depth, err := origincfg.VerifyDepth(depthNumber)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, funcErrorText(err.Error()))
		return
	}
	out, err := render(caFile, depth)
	if err != nil {
		resp.Error = function.NewFuncError(funcErrorText("The client authentication directives cannot be rendered: " + err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, out)
}
