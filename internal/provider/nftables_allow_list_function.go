package provider

import (
	"context"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &nftablesAllowListFunction{}

// NewNftablesAllowListFunction returns the nftables_allow_list function.
func NewNftablesAllowListFunction() function.Function { return &nftablesAllowListFunction{} }

type nftablesAllowListFunction struct{}

func (f *nftablesAllowListFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "nftables_allow_list"
}

func (f *nftablesAllowListFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render an nftables ruleset that admits only Cloudflare's IP ranges to the origin's ports",
		MarkdownDescription: "Returns an nftables ruleset, to load with `nft -f`, in a table of its own (`inet cfaop_origin`, replaced " +
			"on every load): TCP connections to `ports` are accepted from `cidrs` (an IPv4 and an IPv6 set) and dropped from anywhere " +
			"else, before the web server sees them. Other ports and tables are untouched. Every entry must be a canonical CIDR and " +
			"every port a whole number from 1 to 65535, so nothing can be injected.\n\n" + whyFunctions,
		Parameters: []function.Parameter{
			cidrsParameter(),
			function.ListParameter{Name: "ports", ElementType: types.NumberType, MarkdownDescription: "TCP ports the origin serves, e.g. `[443]`."},
		},
		Return: function.StringReturn{},
	}
}

func (f *nftablesAllowListFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var cidrs []string
	var portNumbers []*big.Float
	resp.Error = req.Arguments.Get(ctx, &cidrs, &portNumbers)
	if resp.Error != nil {
		return
	}
	ports := make([]int, len(portNumbers))
	for i, n := range portNumbers {
		p, acc := n.Int64()
		if n == nil || !n.IsInt() || acc != big.Exact || p < 1 || p > 65535 {
			resp.Error = function.NewArgumentFuncError(1, "Every port must be a whole number from 1 to 65535, got "+n.Text('g', 10))
			return
		}
		ports[i] = int(p)
	}
	if _, err := origincfg.CheckCIDRs(cidrs); err != nil {
		resp.Error = function.NewArgumentFuncError(0, funcErrorText(err.Error()))
		return
	}
	out, err := origincfg.NftablesAllowList(cidrs, ports)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, funcErrorText(err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, out)
}
