// Package cfapi is the provider's Cloudflare API client: authentication, base
// URL, user agent, retries and typed errors over cloudflare-go's
// origin_tls_client_auth and zones services.
package cfapi

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cloudflare/cloudflare-go/v7/ips"
	"github.com/cloudflare/cloudflare-go/v7/option"
	aop "github.com/cloudflare/cloudflare-go/v7/origin_tls_client_auth"
	"github.com/cloudflare/cloudflare-go/v7/zones"
)

// DefaultBaseURL is Cloudflare's v4 API.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4/"

// DefaultMinBackoff is the first wait before a retry when Config sets none.
const DefaultMinBackoff = time.Second

// Environment variables read by the provider; named here so every message
// that mentions them says the same thing.
const (
	EnvAPIToken = "CLOUDFLARE_API_TOKEN"
	EnvAPIKey   = "CLOUDFLARE_API_KEY"
	EnvEmail    = "CLOUDFLARE_EMAIL"
	EnvBaseURL  = "CLOUDFLARE_BASE_URL"
)

// ErrNoCredentials is what a request that needs credentials fails with,
// without being sent, when the client has neither a token nor a key and
// email pair.
var ErrNoCredentials = fmt.Errorf("no Cloudflare credentials: set api_token (or %s), or api_key and email (or %s and %s)", EnvAPIToken, EnvAPIKey, EnvEmail)

// Config holds everything needed to talk to the API.
type Config struct {
	APIToken string
	APIKey   string
	Email    string
	BaseURL  string
	// UserAgent is sent on every request.
	UserAgent string
	// MaxRetries is how often a retryable request is repeated (0 disables).
	MaxRetries int
	// MaxBackoff caps one wait between attempts, including a server's Retry-After.
	MaxBackoff time.Duration
	// MinBackoff is the first wait (default DefaultMinBackoff); later waits
	// double. Tests shorten it.
	MinBackoff time.Duration
	// RateLimit is the client's own budget of API requests per RateWindow
	// (default DefaultRateLimit per DefaultRateWindow, Cloudflare's limit).
	// Requests beyond it, or beyond the quota Cloudflare's Ratelimit header
	// announces, wait instead of being refused. Negative turns pacing off.
	RateLimit  int
	RateWindow time.Duration
	// Transport replaces the network transport (tests inject faults here).
	Transport http.RoundTripper

	clock clock // tests replace time
}

// Client calls Cloudflare's Authenticated Origin Pulls endpoints.
type Client struct {
	cfg         Config
	docClient   *http.Client // FetchPEM: public documents, no credentials
	certs       *aop.ZoneCertificateService
	hostCerts   *aop.HostnameCertificateService
	hostnames   *aop.HostnameService
	aopSettings *aop.SettingService
	zoneSetting *zones.SettingService
	zones       *zones.ZoneService
	ips         *ips.IPService
}

// New validates cfg and builds a client. It makes no request. A client
// without credentials reads what Cloudflare publishes (its IP ranges, the
// origin-pull CA) and fails every other request with ErrNoCredentials
// before sending it.
func New(cfg Config) (*Client, error) {
	if !cfg.hasCredentials() && (cfg.APIKey != "" || cfg.Email != "") {
		return nil, fmt.Errorf("api_key and email must be set together (or %s and %s)", EnvAPIKey, EnvEmail)
	}
	base, err := NormalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = DefaultRateWindow
	}
	if cfg.clock == nil {
		cfg.clock = realClock{}
	}
	next := cfg.Transport
	if next == nil {
		next = defaultTransport()
	}
	if cfg.RateLimit > 0 {
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("base_url %q: %w", base, err)
		}
		next = &pacedTransport{pacer: newPacer(cfg.clock, cfg.RateLimit, cfg.RateWindow, cfg.MaxBackoff),
			scheme: u.Scheme, host: u.Host, path: u.Path, next: next}
	}
	transport := &retryTransport{
		next:       next,
		maxRetries: cfg.MaxRetries,
		minBackoff: cfg.MinBackoff,
		maxBackoff: cfg.MaxBackoff,
		secrets:    cfg.credentials(),
	}
	hc := &http.Client{Transport: transport, CheckRedirect: refuseRedirect(base)}

	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithHTTPClient(hc),
		// Retries are ours: the SDK would re-send a certificate POST blindly.
		option.WithMaxRetries(0),
	}
	if cfg.UserAgent != "" {
		opts = append(opts, option.WithHeader("User-Agent", cfg.UserAgent))
	}
	// GET /ips needs no credentials [obs], so it is sent without them.
	public := slices.Clone(opts)
	switch {
	case cfg.APIToken != "":
		opts = append(opts, option.WithAPIToken(cfg.APIToken))
	case cfg.APIKey != "":
		opts = append(opts, option.WithAPIKey(cfg.APIKey), option.WithAPIEmail(cfg.Email))
	default:
		opts = append(opts, option.WithHTTPClient(&http.Client{Transport: noCredentials{}}))
	}
	return &Client{
		cfg:         cfg,
		docClient:   &http.Client{Transport: transport, CheckRedirect: checkDocumentRedirect},
		certs:       aop.NewZoneCertificateService(opts...),
		hostCerts:   aop.NewHostnameCertificateService(opts...),
		hostnames:   aop.NewHostnameService(opts...),
		aopSettings: aop.NewSettingService(opts...),
		zoneSetting: zones.NewSettingService(opts...),
		zones:       zones.NewZoneService(opts...),
		ips:         ips.NewIPService(public...),
	}, nil
}

// noCredentials refuses every request: the client has no credentials to
// send with it.
type noCredentials struct{}

func (noCredentials) RoundTrip(*http.Request) (*http.Response, error) { return nil, ErrNoCredentials }

// HasCredentials reports whether the client holds a token or a key and
// email pair.
func (c *Client) HasCredentials() bool { return c.cfg.hasCredentials() }

func (cfg Config) hasCredentials() bool {
	return cfg.APIToken != "" || (cfg.APIKey != "" && cfg.Email != "")
}

// BaseURL is the normalised API base URL, ending in "/client/v4/".
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// NormalizeBaseURL accepts a base URL with or without the /client/v4 suffix
// and returns it with "/client/v4/", which the SDK needs. Its errors are
// *BaseURLError and never show user info.
func NormalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return DefaultBaseURL, nil
	}
	shown := fmt.Sprintf("%q", raw)
	if strings.Contains(raw, "@") {
		shown = "(not shown: it holds an @, perhaps credentials)" // never echo a password into a diagnostic
	}
	fail := func(format string, args ...any) (string, error) {
		return "", &BaseURLError{msg: fmt.Sprintf(format, args...)}
	}
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return fail("base_url %s must start with https:// (or http:// for a local emulator)", shown)
	}
	// The URL is logged and used for every request: it must be a plain
	// scheme://host[:port][/path], without credentials, query or fragment.
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fail("base_url %s is not a valid URL", shown)
	case u.User != nil:
		return fail("base_url must not contain credentials (user:password@host): set api_token, or api_key and email, instead")
	case u.Hostname() == "":
		return fail("base_url %s has no host name", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return fail("base_url %s must not have a query (?) or a fragment (#)", shown)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		// Plain http would send the token or key in clear text.
		return fail("base_url %s uses plain http:// for a host that is not this machine, which would send the API credentials "+
			"unencrypted: use https:// (plain http:// is accepted only for a loopback host, 127.0.0.0/8, ::1 or localhost, "+
			"such as a local emulator)", shown)
	}
	raw = strings.TrimRight(raw, "/")
	if !strings.HasSuffix(raw, "/client/v4") {
		raw += "/client/v4"
	}
	return raw + "/", nil
}

// BaseURLError is a refused base URL; the provider reports it on base_url.
type BaseURLError struct{ msg string }

func (e *BaseURLError) Error() string { return e.msg }

// IsLoopbackHost reports whether host (without port or brackets) is this
// machine: localhost, 127.0.0.0/8 or ::1. Only there may plain http carry
// credentials or a trust anchor.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maxIdleConnsPerHost covers -parallelism up to 64.
const maxIdleConnsPerHost = 64

func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// A server that accepts the connection but never answers must not hang a run.
	t.ResponseHeaderTimeout = 60 * time.Second
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	// Terraform reads and writes many resources at once (10 by default, as
	// -parallelism says). Keep a connection per parallel request alive
	// instead of Go's default of two, so a refresh of 500 resources does not
	// open hundreds of TLS connections to the API.
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	return t
}

// errorsAs is errors.As with the target's type inferred.
func errorsAs[T error](err error) (T, bool) {
	var target T
	ok := errors.As(err, &target)
	return target, ok
}
