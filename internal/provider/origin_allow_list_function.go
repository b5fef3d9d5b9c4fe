package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &originAllowListFunction{}

// NewOriginAllowListFunction returns the origin_allow_list function.
func NewOriginAllowListFunction() function.Function { return &originAllowListFunction{} }

type originAllowListFunction struct{}

func (f *originAllowListFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "origin_allow_list"
}

func (f *originAllowListFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render the web server rules that admit only Cloudflare's IP ranges",
		MarkdownDescription: "Returns the access rules that make an origin answer only clients from `cidrs`, usually " +
			"`data.cfaop_ip_ranges.cloudflare.cidrs`: a second layer behind Authenticated Origin Pulls that refuses direct traffic " +
			"before any TLS verification. For `nginx`, one `allow` per range and `deny all;` (for a `server` or `location` block; " +
			"nginx answers others with 403):\n\n```nginx\n" + origincfg.GeneratedComment + "\nallow 173.245.48.0/20;\nallow 2400:cb00::/32;\ndeny all;\n```\n\n" +
			"nginx checks `allow` and `deny` in its access phase, after `return` and `rewrite ... last`: a location that answers with " +
			"`return` is not protected; `proxy_pass`, `fastcgi_pass`, `root` and `try_files` are.\n\n" +
			"For `apache`, one `Require ip` line with every range (for a `<Directory>` or `<Location>` block, replacing `Require all granted`). " +
			"IPv4 ranges come first. Every entry must be a canonical CIDR; anything else is refused, so nothing can be injected. " +
			"For the network layer see `nftables_allow_list`.\n\n" + whyFunctions,
		Parameters: []function.Parameter{
			function.StringParameter{Name: "server", MarkdownDescription: "`nginx` or `apache`."},
			cidrsParameter(),
		},
		Return: function.StringReturn{},
	}
}

func cidrsParameter() function.ListParameter {
	return function.ListParameter{
		Name:        "cidrs",
		ElementType: types.StringType,
		MarkdownDescription: "The ranges to admit, in CIDR notation (`173.245.48.0/20`, `2400:cb00::/32`), at least one, each once, " +
			"without host bits set; usually `data.cfaop_ip_ranges.cloudflare.cidrs`.",
	}
}

func (f *originAllowListFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var server string
	var cidrs []string
	resp.Error = req.Arguments.Get(ctx, &server, &cidrs)
	if resp.Error != nil {
		return
	}
	var render func([]string) (string, error)
	switch server {
	case "nginx":
		render = origincfg.NginxAllowList
	case "apache":
		render = origincfg.ApacheAllowList
	default:
		resp.Error = function.NewArgumentFuncError(0, `server must be "nginx" or "apache"; for a firewall use nftables_allow_list`)
		return
	}
	out, err := render(cidrs)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, funcErrorText(err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, out)
}
