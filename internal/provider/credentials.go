package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
)

// Credential formats, checked offline before any request so that a token
// read with file() (trailing newline), pasted with its "Bearer " prefix or
// truncated fails at plan time with the fix, instead of after retries or as
// Cloudflare's generic authentication error.
//
// The token rule is deliberately wider than any token format we know of, so
// that no real token is ever refused: at least 40 characters (legacy tokens
// are exactly 40, cfut_/cfat_ tokens are the prefix, 40 characters and a
// checksum, which we do not verify) of [A-Za-z0-9_-], at most 255. Another
// provider refuses tokens longer than 80; we do not, as a longer format
// would still be a possible token. A global API key is 37–45 hex digits.
const (
	minTokenLength = 40
	maxTokenLength = 255
	minKeyLength   = 37
	maxKeyLength   = 45
)

type credentialKind int

const (
	credToken credentialKind = iota
	credKey
	credEmail
)

// credentialSource is where a credential came from, so that the diagnostic's
// fix works where the value is set.
type credentialSource struct {
	attribute string // provider attribute, e.g. "api_token"
	envVar    string // set when the value came from the environment
}

func (s credentialSource) name() string {
	if s.envVar != "" {
		return "the environment variable " + s.envVar
	}
	return s.attribute
}

// credentialProblem returns a diagnostic summary and detail when v cannot be
// a credential of this kind, and empty strings otherwise. The detail never
// contains v, only its length and the class of an offending character.
func credentialProblem(kind credentialKind, v string, src credentialSource) (string, string) {
	what := map[credentialKind]string{credToken: "API token", credKey: "global API key", credEmail: "email address"}[kind]
	// Checked before whitespace: "Bearer <token>" contains a space, but the
	// useful fix is dropping the prefix. A token is never "Bearer" + space.
	if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); kind == credToken && ok && strings.EqualFold(scheme, "Bearer") {
		fix := fmt.Sprintf("set %s to the token alone, without \"Bearer \" (trimprefix(<value>, \"Bearer \") removes it from a value set elsewhere).", src.attribute)
		if src.envVar != "" {
			fix = fmt.Sprintf("set %s to the token alone, without \"Bearer \".", src.envVar)
		}
		return "API Token Has A Bearer Prefix",
			fmt.Sprintf("The API token in %s starts with \"Bearer \". The provider sends the Authorization: Bearer header itself; %s", src.name(), fix)
	}
	if class := whitespaceClass(v); class != "" {
		file := map[credentialKind]string{credToken: "token.txt", credKey: "api_key.txt", credEmail: "email.txt"}[kind]
		fix := fmt.Sprintf("Remove the whitespace: when the value is read from a file, wrap it in trimspace(), for example %s = trimspace(file(\"%s\")).", src.attribute, file)
		if src.envVar != "" {
			fix = fmt.Sprintf("Remove the whitespace from %s, for example export %s=\"$(tr -d '[:space:]' < %s)\".", src.envVar, src.envVar, file)
		}
		return fmt.Sprintf("Whitespace In The %s", titleWords(what)),
			fmt.Sprintf("The %s in %s contains %s (%d characters in all). HTTP headers cannot carry it, so no request could succeed. %s", what, src.name(), class, len(v), fix)
	}
	switch kind {
	case credToken:
		if class := foreignClass(v, isTokenChar); class != "" {
			return "Invalid API Token Format",
				fmt.Sprintf("The API token in %s contains %s; Cloudflare API tokens consist of letters, digits, \"_\" and \"-\" only. Copy the token again from the Cloudflare dashboard (My Profile → API Tokens).", src.name(), class)
		}
		if len(v) < minTokenLength || len(v) > maxTokenLength {
			hint := ""
			if len(v) >= minKeyLength && len(v) <= maxKeyLength && foreignClass(v, isHexDigit) == "" {
				hint = fmt.Sprintf(" It looks like a global API key: set it as api_key (or %s) together with email instead.", cfapi.EnvAPIKey)
			}
			return "Invalid API Token Format",
				fmt.Sprintf("The API token in %s is %d characters long; Cloudflare API tokens are %d to %d characters. Check that the whole token was copied.%s", src.name(), len(v), minTokenLength, maxTokenLength, hint)
		}
	case credKey:
		class := foreignClass(v, isHexDigit)
		if class == "a letter or digit outside the allowed set" {
			class = "a letter that is not a hexadecimal digit"
		}
		if class != "" || len(v) < minKeyLength || len(v) > maxKeyLength {
			return "Invalid Global API Key Format",
				fmt.Sprintf("The global API key in %s is %d characters long%s; Cloudflare global API keys are %d to %d hexadecimal digits. If you have an API token (they are longer and not hexadecimal), set api_token (or %s) instead.",
					src.name(), len(v), withClass(class), minKeyLength, maxKeyLength, cfapi.EnvAPIToken)
		}
	case credEmail:
		if !strings.Contains(v, "@") {
			return "Invalid Email Address",
				fmt.Sprintf("The value of %s contains no \"@\"; it must be the email address of the Cloudflare account that owns the global API key.", src.name())
		}
	}
	return "", ""
}

func withClass(class string) string {
	if class == "" {
		return ""
	}
	return " and contains " + class
}

func titleWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if w != "API" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// whitespaceClass names the first kind of whitespace in v, with where it is.
func whitespaceClass(v string) string {
	for i, r := range v {
		if !unicode.IsSpace(r) {
			continue
		}
		name := map[rune]string{'\n': "a newline", '\r': "a carriage return", '\t': "a tab", ' ': "a space"}[r]
		if name == "" {
			name = "a whitespace character"
		}
		switch {
		case i == len(v)-1 || strings.TrimSpace(v[i:]) == "":
			return name + " at the end"
		case strings.TrimSpace(v[:i]) == "":
			return name + " at the start"
		}
		return name + " inside it"
	}
	return ""
}

// foreignClass names the class of the first character of v that ok refuses.
func foreignClass(v string, ok func(rune) bool) string {
	for _, r := range v {
		if ok(r) {
			continue
		}
		switch {
		case r > unicode.MaxASCII:
			return "a non-ASCII character"
		case unicode.IsControl(r):
			return "a control character"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return "a letter or digit outside the allowed set"
		}
		return "punctuation or a symbol"
	}
	return ""
}

func isTokenChar(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_' || r == '-'
}

func isHexDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

// credentialValidator checks a credential attribute at validation time.
type credentialValidator struct {
	kind      credentialKind
	attribute string
}

var _ validator.String = credentialValidator{}

func (v credentialValidator) Description(context.Context) string {
	return "must be a plausible Cloudflare credential"
}

func (v credentialValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v credentialValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail := credentialProblem(v.kind, req.ConfigValue.ValueString(), credentialSource{attribute: v.attribute}); summary != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// checkCredentials checks the credentials Configure will use, naming the
// environment variable for those taken from the environment (values in the
// configuration were already checked by the validators, unless unknown
// then). It returns the first problem found, with the attribute it is about.
func checkCredentials(cfg providerModel, token, key, email string) (summary, detail string, at path.Path, fromEnv bool) {
	type item struct {
		kind  credentialKind
		attr  string
		env   string
		value string
		isSet bool
	}
	items := []item{{credToken, "api_token", cfapi.EnvAPIToken, token, !cfg.APIToken.IsNull() && cfg.APIToken.ValueString() != ""}}
	if token == "" {
		items = append(items,
			item{credKey, "api_key", cfapi.EnvAPIKey, key, !cfg.APIKey.IsNull() && cfg.APIKey.ValueString() != ""},
			item{credEmail, "email", cfapi.EnvEmail, email, !cfg.Email.IsNull() && cfg.Email.ValueString() != ""})
	}
	for _, it := range items {
		if it.value == "" {
			continue
		}
		src := credentialSource{attribute: it.attr}
		if !it.isSet {
			src.envVar = it.env
		}
		if s, d := credentialProblem(it.kind, it.value, src); s != "" {
			return s, d, path.Root(it.attr), !it.isSet
		}
	}
	return "", "", path.Empty(), false
}
