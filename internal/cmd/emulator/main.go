// Command emulator serves the Cloudflare Authenticated Origin Pulls API
// emulator on a loopback address for interactive use of the provider:
//
//	go run ./internal/cmd/emulator -zone example.com -delay 2s -origin app.example.com=127.0.0.1:8443
//
// then point the provider at it with CLOUDFLARE_BASE_URL and
// CLOUDFLARE_API_TOKEN as printed on start: without -token, the emulator
// accepts a new random token on every start, so nothing else on the machine
// can guess it. With -origin, the emulated edge
// pulls from a local origin (POST /__emulator/pull) presenting the client
// certificate the current AOP configuration selects, so an origin that
// requires client certificates can be tried end to end. It serves until
// interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

const defaultListen = "127.0.0.1:8787"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

// zoneFlags collects repeated -zone flags.
type zoneFlags []string

func (z *zoneFlags) String() string { return strings.Join(*z, ",") }

func (z *zoneFlags) Set(v string) error {
	*z = append(*z, v)
	return nil
}

// scopedFlags collects repeated -scoped-token TOKEN=PERM,PERM flags.
type scopedFlags map[string][]emulator.Permission

// String never shows the tokens: flag prints defaults with it.
func (f scopedFlags) String() string { return fmt.Sprintf("%d scoped tokens", len(f)) }

func (f scopedFlags) Set(v string) error {
	tok, perms, err := emulator.ParseScopedToken(v)
	if err != nil {
		return err
	}
	f[tok] = perms
	return nil
}

// originFlags collects repeated -origin hostname=address flags.
type originFlags []origin

type origin struct{ hostname, address string }

func (o *originFlags) String() string {
	parts := make([]string, 0, len(*o))
	for _, x := range *o {
		parts = append(parts, x.hostname+"="+x.address)
	}
	return strings.Join(parts, ",")
}

func (o *originFlags) Set(v string) error {
	host, addr, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(host) == "" || strings.TrimSpace(addr) == "" {
		return fmt.Errorf("want hostname=address, e.g. app.example.com=127.0.0.1:8443")
	}
	*o = append(*o, origin{strings.TrimSpace(host), strings.TrimSpace(addr)})
	return nil
}

// run parses args, starts the emulator, prints how to use it on stdout and
// serves until ctx is done. Requests are logged on stderr unless -quiet.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listenDefault := defaultListen
	if v := getenv("EMULATOR_ADDR"); v != "" {
		listenDefault = v
	}
	listen := fs.String("listen", listenDefault, "loopback address to listen on (default from EMULATOR_ADDR)")
	var zones zoneFlags
	fs.Var(&zones, "zone", "zone name to serve; repeat for several zones (default "+emulator.DefaultZone+")")
	token := fs.String("token", "", "API token to accept (Authorization: Bearer <token>); default: a new random one, printed on start")
	scoped := scopedFlags{}
	fs.Var(scoped, "scoped-token", "TOKEN=PERM,PERM: also accept TOKEN, limited to these Cloudflare permissions ("+
		"ssl_and_certificates:edit, ssl_and_certificates:read, zone_settings:edit, zone_settings:read, zone:read; edit includes read); "+
		"requests outside them get HTTP 403, code 10000; repeat for several")
	delay := fs.Duration("delay", 2*time.Second, "status transition delay (pending_deployment -> active, pending_deletion -> deleted) of certificates and associations; the -*-delay flags override it one by one")
	// Each transition's own flag, when given (0 included), overrides -delay.
	transitionDelays := map[string]*time.Duration{
		"cert-deploy-delay":  fs.Duration("cert-deploy-delay", 0, "certificate upload, pending_deployment -> active (default: -delay)"),
		"cert-delete-delay":  fs.Duration("cert-delete-delay", 0, "certificate delete, pending_deletion -> deleted, and again until purged (default: -delay)"),
		"assoc-deploy-delay": fs.Duration("assoc-deploy-delay", 0, "hostname association change, pending_deployment -> active (default: -delay)"),
		"assoc-remove-delay": fs.Duration("assoc-remove-delay", 0, "hostname association removal, pending_deletion -> gone (default: -delay)"),
	}
	jitter := fs.Duration("delay-jitter", 0, "random extra of up to this much added to every transition")
	var origins originFlags
	fs.Var(&origins, "origin", "hostname=address: origin (loopback host:port) the emulated edge pulls from for hostname, e.g. app.example.com=127.0.0.1:8443; repeat for several")
	latency := fs.Duration("latency", 0, "time added before every API answer, like a round trip to Cloudflare (e.g. 50ms)")
	rateLimit := fs.Int("rate-limit", 0, fmt.Sprintf("API requests allowed per token and window, answered 429 beyond (Cloudflare: %d); 0 turns the limit off", emulator.CloudflareRateLimit))
	rateWindow := fs.Duration("rate-window", emulator.CloudflareRateWindow, "length of a rate limit window")
	rateLockout := fs.Duration("rate-lockout", emulator.CloudflareRateLockout, "how long a token that exceeded the rate limit is refused")
	zoneCertWrite := fs.Duration("zone-cert-write-time", emulator.DefaultZoneCertWriteTime, "how long a zone certificate upload or delete takes; another one in the same zone meanwhile gets HTTP 409, as on Cloudflare (0 turns that off)")
	ipRanges := fs.String("ip-ranges", "", "comma-separated CIDRs GET /client/v4/ips answers instead of Cloudflare's published ranges, e.g. 127.0.0.1/32,::1/128")
	originCA := fs.String("origin-ca", "", "PEM file of the CAs the edge verifies origin certificates against in SSL mode strict (default: the system's roots)")
	quiet := fs.Bool("quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if len(zones) == 0 {
		zones = zoneFlags{emulator.DefaultZone}
	}
	delays := emulator.UniformDelays(*delay)
	delays.Jitter = *jitter
	fields := map[string]*time.Duration{
		"cert-deploy-delay": &delays.CertificateDeploy, "cert-delete-delay": &delays.CertificateDelete,
		"assoc-deploy-delay": &delays.AssociationDeploy, "assoc-remove-delay": &delays.AssociationRemove,
	}
	fs.Visit(func(f *flag.Flag) {
		if v, ok := transitionDelays[f.Name]; ok {
			*fields[f.Name] = *v
		}
	})
	if *delay < 0 {
		return fmt.Errorf("-delay: negative delay %s", *delay)
	}
	cfg := emulator.Config{Zones: zones, Token: *token, ScopedTokens: scoped, Delays: delays, Latency: *latency,
		RateLimit: emulator.RateLimit{Limit: *rateLimit, Window: *rateWindow, Lockout: *rateLockout}, ZoneCertWriteTime: *zoneCertWrite}
	if *zoneCertWrite <= 0 {
		cfg.ZoneCertWriteTime = -1 // Config's zero means the default
	}
	if *ipRanges != "" {
		r, err := emulator.ParseIPRanges(*ipRanges)
		if err != nil {
			return fmt.Errorf("-ip-ranges: %w", err)
		}
		cfg.IPRanges = r
	}
	if !*quiet {
		logger := log.New(stderr, "", log.LstdFlags)
		cfg.Logf = logger.Printf
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	for _, o := range origins {
		if err := srv.SetOrigin(o.hostname, o.address); err != nil {
			return err
		}
	}
	if *originCA != "" {
		pemCerts, err := os.ReadFile(*originCA)
		if err != nil {
			return fmt.Errorf("-origin-ca: %w", err)
		}
		if err := srv.SetOriginTrust(pemCerts); err != nil {
			return fmt.Errorf("-origin-ca %s: %w", *originCA, err)
		}
	}
	*token = srv.Token() // the random one when -token was not given
	baseURL, err := srv.Start(*listen)
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()

	// Writes to stdout are best effort: the emulator serves either way.
	out := func(format string, a ...any) { _, _ = fmt.Fprintf(stdout, format, a...) }
	root := strings.TrimSuffix(baseURL, emulator.APIPrefix)
	out("Cloudflare Authenticated Origin Pulls API emulator, listening on loopback only.\n\n")
	out("  Base URL:        %s\n", baseURL)
	out("  API token:       %s\n", *token)
	for tok, perms := range scoped {
		out("  Scoped token:    %s (%s)\n", tok, joinPerms(perms))
	}
	for _, z := range zones {
		out("  Zone:            %s (ID %s)\n", z, srv.ZoneID(z))
	}
	out("  Origin-pull CA:  %s%s\n", root, emulator.CAPath)
	d := srv.Delays()
	out("  Status delays:   certificate deploy %s, delete %s; association deploy %s, removal %s",
		d.CertificateDeploy, d.CertificateDelete, d.AssociationDeploy, d.AssociationRemove)
	if d.Jitter > 0 {
		out(", plus up to %s jitter", d.Jitter)
	}
	out("\n")
	if *latency > 0 {
		out("  Latency:         %s per API request\n", *latency)
	}
	if *rateLimit > 0 {
		out("  Rate limit:      %d requests per %s per token, then locked out for %s\n", *rateLimit, *rateWindow, *rateLockout)
	}
	if *ipRanges != "" {
		r := srv.IPRanges()
		out("  IP ranges:       %s (GET /client/v4/ips)\n", strings.Join(append(r.IPv4CIDRs, r.IPv6CIDRs...), ", "))
	}
	configured := srv.Origins()
	originHosts := slices.Sorted(maps.Keys(configured))
	for _, host := range originHosts {
		out("  Origin:          %s -> %s\n", host, configured[host])
	}
	out("  Admin endpoints: %s%s{state,requests,reset,faults,delay,delays,latency,ratelimit,gaps,origins,pull,ips,origin-trust}\n\n", root, emulator.AdminPrefix)
	out("Use it from the provider with:\n\n")
	out("  export CLOUDFLARE_BASE_URL=%s\n", baseURL)
	out("  export CLOUDFLARE_API_TOKEN=%s\n", *token)
	out("  export CFAOP_GLOBAL_CA_URL=%s%s\n\n", root, emulator.CAPath)
	pullHost := "app." + srv.Snapshot().Zones[0].Name
	if len(originHosts) > 0 {
		pullHost = originHosts[0]
	}
	out("Pull from an origin as Cloudflare's edge would, presenting the client certificate\n")
	out("of the current AOP configuration (hostname > zone > global; origins with -origin\n")
	out("or POST %sorigins; the origin's own certificate is not verified, as in SSL mode Full):\n\n", emulator.AdminPrefix)
	out("  curl -s -X POST -H 'Authorization: Bearer %s' \\\n", *token)
	out("    -d '{\"hostname\":\"%s\",\"path\":\"/\"}' %s%spull\n\n", pullHost, root, emulator.AdminPrefix)
	out("Press Ctrl+C to stop.\n")

	<-ctx.Done()
	out("Stopping.\n")
	return nil
}

func joinPerms(perms []emulator.Permission) string {
	s := make([]string, len(perms))
	for i, p := range perms {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}
