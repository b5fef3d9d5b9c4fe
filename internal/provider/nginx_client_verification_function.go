package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &clientVerificationFunction{}

// NewNginxClientVerificationFunction returns nginx_client_verification.
func NewNginxClientVerificationFunction() function.Function {
	return &clientVerificationFunction{
		name:   "nginx_client_verification",
		render: origincfg.NginxVerification,
		description: "Returns the nginx directives, for a `server` block, that verify Cloudflare's client certificate against `ca_file` " +
			"in `mode`, pass the verdict (`$ssl_client_verify`: `SUCCESS`, `NONE` or `FAILED:<reason>`) to the proxied application in " +
			"the header `verdict_header`, and log it to `log_file` in the format `" + origincfg.VerdictLogFormat + "` with the client " +
			"certificate's SHA-1 fingerprint (`$ssl_client_fingerprint`, the only one nginx offers) and subject (`$ssl_client_s_dn`):\n\n" +
			"```nginx\n" + origincfg.GeneratedComment + "\nssl_client_certificate /etc/nginx/cloudflare-aop-ca.pem;\nssl_verify_client optional;\n" +
			"ssl_verify_depth 1;\nproxy_set_header X-Client-Verify $ssl_client_verify;\naccess_log /var/log/nginx/aop.log cfaop_verdict;\n```\n\n" +
			"The log format belongs in the `http` block:\n\n```nginx\n" + origincfg.NginxVerdictLogFormat() + "```\n\n" +
			"nginx passes `proxy_set_header` from the `server` block only to locations that set no header of their own.",
	}
}

// NewApacheClientVerificationFunction returns apache_client_verification.
func NewApacheClientVerificationFunction() function.Function {
	return &clientVerificationFunction{
		name:   "apache_client_verification",
		render: origincfg.ApacheVerification,
		description: "Returns the mod_ssl directives, for a `<VirtualHost>`, that verify Cloudflare's client certificate against `ca_file` " +
			"in `mode` (`on` is `SSLVerifyClient require`), pass the verdict (`SSL_CLIENT_VERIFY`: `SUCCESS`, `NONE` or `FAILED:<reason>`) " +
			"to the application in the header `verdict_header` (`RequestHeader`, mod_headers), and log it to `log_file` (`CustomLog`, " +
			"mod_log_config) with the client certificate's serial number, issuer and subject (mod_ssl has no fingerprint variable):\n\n" +
			"```apache\n" + origincfg.GeneratedComment + "\nSSLVerifyClient optional\nSSLCACertificateFile \"/etc/apache2/cloudflare-aop-ca.pem\"\n" +
			"SSLVerifyDepth 1\nRequestHeader set X-Client-Verify \"%{SSL_CLIENT_VERIFY}s\"\n```",
	}
}

type clientVerificationFunction struct {
	name        string
	description string
	render      func(caFile string, depth int, mode, header, logFile string) (string, error)
}

func (f *clientVerificationFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = f.name
}

func (f *clientVerificationFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	server := map[bool]string{true: "nginx", false: "Apache"}[f.name == "nginx_client_verification"]
	resp.Definition = function.Definition{
		Summary: fmt.Sprintf("Render the %s directives that verify Cloudflare's client certificate and report the verdict", server),
		MarkdownDescription: f.description + "\n\n" +
			"`mode = \"on\"` fails closed, as `" + map[bool]string{true: "nginx", false: "apache"}[server == "nginx"] + "_client_auth` does. " +
			"`mode = \"optional\"` is for a staged rollout: every request is still served, and the header and the log show which ones " +
			"came with a valid certificate (`SUCCESS`) and which without (`NONE`), so you can switch to `on` once only Cloudflare's pulls " +
			"arrive. Every argument is validated so it can never inject configuration.\n\n" + whyFunctions,
		Parameters: []function.Parameter{
			caFileParameter(server, map[bool]string{true: "ssl_client_certificate", false: "SSLCACertificateFile"}[server == "nginx"]),
			verifyDepthParameter(map[bool]string{true: "ssl_verify_depth", false: "SSLVerifyDepth"}[server == "nginx"]),
			function.StringParameter{Name: "mode", MarkdownDescription: "`on` (refuse clients without a valid certificate) or `optional` (serve them; pass and log the verdict)."},
			function.StringParameter{Name: "verdict_header", MarkdownDescription: "Request header that carries the verdict to the application, e.g. `" +
				origincfg.DefaultVerdictHeader + "`: a letter, then letters, digits and hyphens (at most 64). `\"\"` sends none."},
			function.StringParameter{Name: "log_file", MarkdownDescription: "Absolute path of the access log with the verdict, with the same characters " +
				"allowed as in `ca_file`. `\"\"` writes none."},
		},
		Return: function.StringReturn{},
	}
}

func (f *clientVerificationFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var caFile, mode, header, logFile string
	var depthNumber *big.Float
	resp.Error = req.Arguments.Get(ctx, &caFile, &depthNumber, &mode, &header, &logFile)
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
	out, err := f.render(caFile, depth, mode, header, logFile)
	if err != nil {
		arg := int64(4)
		switch {
		case errors.Is(err, origincfg.ErrInvalidMode):
			arg = 2
		case errors.Is(err, origincfg.ErrInvalidHeader):
			arg = 3
		}
		resp.Error = function.NewArgumentFuncError(arg, funcErrorText(err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, out)
}
