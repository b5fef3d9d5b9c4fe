package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

var _ function.Function = &originTrustBundleFunction{}

// whyFunctions explains, in every function's description, why the origin
// side is offered as functions rather than data sources.
const whyFunctions = "This is a provider-defined function (Terraform 1.8 and later) rather than a data source because it is pure: " +
	"it makes no API call and needs no provider configuration or credentials, and the same arguments always give the same result. " +
	"Terraform therefore computes it at plan time, so the plan already shows what the origin will get, and it can be called from any " +
	"module that lists `cfaop` in `required_providers` (such as a module that configures only the origin) and in `terraform console`. " +
	"When an argument is not known until apply (for example a certificate created in the same plan), the result is unknown until then."

// NewOriginTrustBundleFunction returns the origin_trust_bundle function.
func NewOriginTrustBundleFunction() function.Function { return &originTrustBundleFunction{} }

type originTrustBundleFunction struct{}

// originTrustBundleResult is the function's return value.
type originTrustBundleResult struct {
	PEM          string   `tfsdk:"pem"`
	Fingerprints []string `tfsdk:"fingerprints"`
	Subjects     []string `tfsdk:"subjects"`
}

var originTrustBundleAttrTypes = map[string]attr.Type{
	"pem":          types.StringType,
	"fingerprints": types.ListType{ElemType: types.StringType},
	"subjects":     types.ListType{ElemType: types.StringType},
}

func (f *originTrustBundleFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "origin_trust_bundle"
}

func (f *originTrustBundleFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Build the CA bundle an origin needs to verify Cloudflare's client certificates",
		MarkdownDescription: "Combines the certificates an origin must trust for Authenticated Origin Pulls into one canonical PEM bundle, " +
			"the file nginx reads with `ssl_client_certificate` and Apache with `SSLCACertificateFile` (see `nginx_client_auth` and " +
			"`apache_client_auth`). Pass `data.cfaop_global_ca.<name>.pem` for global AOP, and the CA that signed your zone-level or " +
			"per-hostname client certificates (or a self-signed client certificate itself) for the other levels, so the origin keeps " +
			"accepting Cloudflare whichever level applies.\n\n" +
			"Each certificate is parsed; line endings, indentation and text around the PEM blocks do not matter. A certificate given more " +
			"than once (compared by its DER encoding) is kept at its first position. The result is an object with:\n\n" +
			"- `pem` (String): every certificate re-encoded as a `CERTIFICATE` block, in input order, one after the other, ending with a newline.\n" +
			"- `fingerprints` (List of String): each certificate's SHA-256 fingerprint, lowercase hexadecimal without separators, in the order of `pem`. " +
			"Output them so that a CA rotation shows up in the plan.\n" +
			"- `subjects` (List of String): each certificate's subject distinguished name (RFC 2253), in the order of `pem`.\n\n" +
			"The call fails, naming the element, when the list is empty, an element holds no certificate or a certificate that cannot be " +
			"parsed, an element holds a private key (never repeated in the error), or a certificate is a leaf that is not self-signed: " +
			"the origin needs the CA that signed such a certificate, not the certificate itself. Validity dates are not checked, " +
			"so the result never depends on when the plan runs.\n\n" + whyFunctions,
		Parameters: []function.Parameter{
			function.ListParameter{
				Name:        "certificates",
				ElementType: types.StringType,
				MarkdownDescription: "PEM-encoded certificates to trust. Each element may hold one or more `CERTIFICATE` blocks: " +
					"CA certificates (root or intermediate) or self-signed client certificates. Private keys are refused.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: originTrustBundleAttrTypes},
	}
}

func (f *originTrustBundleFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var elements []types.String
	resp.Error = req.Arguments.Get(ctx, &elements)
	if resp.Error != nil {
		return
	}
	inputs := make([]string, len(elements))
	for i, e := range elements {
		if e.IsNull() {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("certificates[%d] is null. Remove it, or pass a PEM certificate", i))
			return
		}
		inputs[i] = e.ValueString()
	}
	bundle, err := origincfg.TrustBundle(inputs)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, funcErrorText(trustBundleErrorText(err)))
		return
	}
	resp.Error = resp.Result.Set(ctx, originTrustBundleResult{
		PEM:          bundle.PEM,
		Fingerprints: bundle.Fingerprints,
		Subjects:     bundle.Subjects,
	})
}

// funcErrorText drops the final period of a message, because Terraform
// prints a function error as `Invalid value for "<parameter>" parameter: <text>.`
func funcErrorText(text string) string {
	return strings.TrimSuffix(strings.TrimSpace(text), ".")
}

func trustBundleErrorText(err error) string {
	var inErr *origincfg.InputError
	switch {
	case errors.As(err, &inErr):
		return fmt.Sprintf("certificates[%d] cannot be trusted by the origin. %s", inErr.Index, inErr.Detail)
	case errors.Is(err, origincfg.ErrNoInput):
		return "The list of certificates is empty. Pass at least one PEM certificate, for example " +
			"[data.cfaop_global_ca.cloudflare.pem] for global Authenticated Origin Pulls"
	}
	return fmt.Sprintf("The trust bundle cannot be built: %s", err)
}
