package origincfg

import (
	"errors"
	"fmt"
)

// Verification modes: on fails closed; optional serves every request and
// only reports the verdict, for a staged rollout.
const (
	VerifyOn       = "on"
	VerifyOptional = "optional"
)

// DefaultVerdictHeader is the request header that carries the verdict to
// the application.
const DefaultVerdictHeader = "X-Client-Verify"

// VerdictLogFormat is the name of the log format the renderers define.
const VerdictLogFormat = "cfaop_verdict"

// ErrInvalidMode and ErrInvalidHeader are returned (as *ValueError).
var (
	ErrInvalidMode   = errors.New("invalid verification mode")
	ErrInvalidHeader = errors.New("invalid header name")
)

// isHeaderName: an HTTP field name (RFC 9110 token) restricted to letters,
// digits and hyphens, which every web server accepts unquoted: a letter, then
// up to 63 more. By hand rather than a package-level pattern, which every
// start of the provider would compile.
func isHeaderName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func checkVerification(caFile string, depth int, mode, header string) error {
	if err := checkArguments(caFile, depth); err != nil {
		return err
	}
	if mode != VerifyOn && mode != VerifyOptional {
		return invalid(ErrInvalidMode, "The verification mode must be %q (refuse clients without a valid certificate) or %q "+
			"(serve them, and pass and log the verdict, for a staged rollout), got %q", VerifyOn, VerifyOptional, truncate(mode))
	}
	if header != "" && !isHeaderName(header) {
		return invalid(ErrInvalidHeader, "The verdict header name must start with a letter and contain only letters, digits and hyphens "+
			"(at most 64), e.g. %s; got %q", DefaultVerdictHeader, truncate(header))
	}
	return nil
}

// NginxVerification renders nginx directives for a server block: client
// certificate verification against caFile in mode, the verdict
// ($ssl_client_verify: SUCCESS, NONE or FAILED:reason) in header to a
// proxied application (none when header is empty), and an access log at
// logFile in the VerdictLogFormat that NginxVerdictLogFormat defines.
// nginx inherits proxy_set_header only into locations that set none.
func NginxVerification(caFile string, depth int, mode, header, logFile string) (string, error) {
	if err := checkVerification(caFile, depth, mode, header); err != nil {
		return "", err
	}
	if logFile != "" {
		if err := CheckCAFile(logFile); err != nil {
			return "", relabel(err, "log file")
		}
	}
	s := fmt.Sprintf("%s\nssl_client_certificate %s;\nssl_verify_client %s;\nssl_verify_depth %d;\n", GeneratedComment, caFile, mode, depth)
	if header != "" {
		s += fmt.Sprintf("proxy_set_header %s $ssl_client_verify;\n", header)
	}
	if logFile != "" {
		s += fmt.Sprintf("access_log %s %s;\n", logFile, VerdictLogFormat)
	}
	return s, nil
}

// NginxVerdictLogFormat is the log_format, for the http block, with the
// verdict, the client certificate's SHA-1 fingerprint (nginx offers no
// other) and subject.
func NginxVerdictLogFormat() string {
	return GeneratedComment + "\nlog_format " + VerdictLogFormat +
		` '$remote_addr [$time_local] "$request" $status verify=$ssl_client_verify fingerprint=$ssl_client_fingerprint subject="$ssl_client_s_dn"';` + "\n"
}

// ApacheVerification renders mod_ssl directives for a <VirtualHost>: client
// certificate verification against caFile in mode (on is SSLVerifyClient
// require), the verdict (SSL_CLIENT_VERIFY: SUCCESS, NONE or
// FAILED:reason) in header to the application (mod_headers; none when
// header is empty), and a CustomLog at logFile with the verdict, the
// certificate's serial and issuer (mod_ssl has no fingerprint variable) and
// subject (mod_log_config).
func ApacheVerification(caFile string, depth int, mode, header, logFile string) (string, error) {
	if err := checkVerification(caFile, depth, mode, header); err != nil {
		return "", err
	}
	if logFile != "" {
		if err := CheckCAFile(logFile); err != nil {
			return "", relabel(err, "log file")
		}
	}
	verify := "require"
	if mode == VerifyOptional {
		verify = "optional"
	}
	s := fmt.Sprintf("%s\nSSLVerifyClient %s\nSSLCACertificateFile \"%s\"\nSSLVerifyDepth %d\n", GeneratedComment, verify, caFile, depth)
	if header != "" {
		s += fmt.Sprintf("RequestHeader set %s \"%%{SSL_CLIENT_VERIFY}s\"\n", header)
	}
	if logFile != "" {
		s += fmt.Sprintf("CustomLog \"%s\" \"%%a %%t \\\"%%r\\\" %%>s verify=%%{SSL_CLIENT_VERIFY}x serial=%%{SSL_CLIENT_M_SERIAL}x issuer=\\\"%%{SSL_CLIENT_I_DN}x\\\" subject=\\\"%%{SSL_CLIENT_S_DN}x\\\"\"\n", logFile)
	}
	return s, nil
}

// relabel rewords a path error for another kind of path.
func relabel(err error, what string) error {
	var ve *ValueError
	if errors.As(err, &ve) {
		return &ValueError{Err: ve.Err, Detail: "The " + what + ": " + ve.Detail}
	}
	return err
}
