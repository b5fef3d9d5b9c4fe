package origincfg

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors returned by CheckCAFile, VerifyDepth and the renderers; match them
// with errors.Is. The returned errors are *ValueError.
var (
	ErrInvalidCAFile      = errors.New("invalid CA file path")
	ErrInvalidVerifyDepth = errors.New("invalid verify depth")
)

// ValueError is a refused argument. Its message is a sentence for the user.
type ValueError struct {
	Err    error
	Detail string
}

func (e *ValueError) Error() string { return e.Detail }

func (e *ValueError) Unwrap() error { return e.Err }

func invalid(kind error, format string, args ...any) *ValueError {
	return &ValueError{Err: kind, Detail: fmt.Sprintf(format, args...) + "."}
}

// Verify depth bounds. Cloudflare's client certificates are signed directly
// by the CA the origin trusts, so 1 suffices; more allows intermediate CAs.
const (
	MinVerifyDepth = 1
	MaxVerifyDepth = 10
)

// maxPathLen is PATH_MAX on Linux.
const maxPathLen = 4096

// GeneratedComment opens every rendered snippet.
const GeneratedComment = "# Generated for Cloudflare Authenticated Origin Pulls by the cfaop Terraform provider."

// AllowedPathCharacters describes, for messages and docs, what a CA file path
// may contain.
const AllowedPathCharacters = "letters, digits and `/ . _ - + @ , = ~`"

// CheckCAFile reports whether p can be written into an nginx or Apache
// configuration as the CA file: an absolute path (/... or a Windows drive
// path C:/...) made only of AllowedPathCharacters. Whitespace, quotes,
// semicolons, braces, $, #, backslashes and control characters are refused,
// so the value can never end a directive, open a block, start a comment or
// expand a variable in the configuration it is written into.
func CheckCAFile(p string) error {
	switch {
	case p == "":
		return invalid(ErrInvalidCAFile, "The path is empty. Give the absolute path where the origin stores the CA bundle, "+
			"for example /etc/nginx/cloudflare-aop-ca.pem")
	case !utf8.ValidString(p):
		return invalid(ErrInvalidCAFile, "The path is not valid UTF-8")
	case len(p) > maxPathLen:
		return invalid(ErrInvalidCAFile, "The path is %d bytes long; at most %d are allowed", len(p), maxPathLen)
	}
	rest, abs := strings.CutPrefix(p, "/")
	if !abs && len(p) >= 3 && isASCIILetter(p[0]) && p[1] == ':' && p[2] == '/' {
		rest, abs = p[3:], true
	}
	if !abs {
		return invalid(ErrInvalidCAFile, "%q is not an absolute path. The web server resolves a relative path against its own "+
			"prefix, which differs between installations; give the full path, starting with / (or C:/ on Windows)", truncate(p))
	}
	for i, r := range rest {
		if !allowedPathRune(r) {
			return invalid(ErrInvalidCAFile, "The path contains %q at byte %d. Only %s are allowed, so the path cannot end the "+
				"directive or inject configuration (no whitespace, quotes, semicolons, braces, $, #, backslashes or control characters)",
				r, len(p)-len(rest)+i, AllowedPathCharacters)
		}
	}
	if rest == "" || strings.HasSuffix(rest, "/") {
		return invalid(ErrInvalidCAFile, "%q names a directory; give the path of the CA bundle file itself", truncate(p))
	}
	return nil
}

func allowedPathRune(r rune) bool {
	switch r {
	case '/', '.', '_', '-', '+', '@', ',', '=', '~':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isASCIILetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// truncate bounds a user value before it goes into a message.
func truncate(s string) string {
	const maxRunes = 120
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes]) + "..."
}

// VerifyDepth converts a Terraform number to a verify depth: a whole number
// from MinVerifyDepth to MaxVerifyDepth.
func VerifyDepth(n *big.Float) (int, error) {
	if n == nil {
		return 0, invalid(ErrInvalidVerifyDepth, "No verify depth was given")
	}
	i, acc := n.Int64()
	if !n.IsInt() || acc != big.Exact || i < MinVerifyDepth || i > MaxVerifyDepth {
		return 0, invalid(ErrInvalidVerifyDepth, "The verify depth must be a whole number from %d to %d, got %s. It is how many CA certificates "+
			"may lie between Cloudflare's client certificate and the CA the origin trusts; 1 is enough when that CA signed "+
			"the client certificate directly", MinVerifyDepth, MaxVerifyDepth, n.Text('g', 10))
	}
	return int(i), nil
}

func checkDepth(depth int) error {
	if depth < MinVerifyDepth || depth > MaxVerifyDepth {
		return invalid(ErrInvalidVerifyDepth, "The verify depth must be a whole number from %d to %d, got %d", MinVerifyDepth, MaxVerifyDepth, depth)
	}
	return nil
}

func checkArguments(caFile string, depth int) error {
	if err := CheckCAFile(caFile); err != nil {
		return err
	}
	return checkDepth(depth)
}

// NginxClientAuth renders the nginx directives, for a server block, that
// make nginx require a client certificate signed by a CA in caFile.
func NginxClientAuth(caFile string, depth int) (string, error) {
	if err := checkArguments(caFile, depth); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s\nssl_client_certificate %s;\nssl_verify_client on;\nssl_verify_depth %d;\n",
		GeneratedComment, caFile, depth), nil
}

// ApacheClientAuth renders the mod_ssl directives, for inside a
// <VirtualHost>, that make Apache require a client certificate signed by a
// CA in caFile.
func ApacheClientAuth(caFile string, depth int) (string, error) {
	if err := checkArguments(caFile, depth); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s\nSSLVerifyClient require\nSSLCACertificateFile \"%s\"\nSSLVerifyDepth %d\n",
		GeneratedComment, caFile, depth), nil
}
