package origincfg

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestAllowLists(t *testing.T) {
	cidrs := []string{"2400:cb00::/32", "173.245.48.0/20", "127.0.0.1/32"}
	nginx, err := NginxAllowList(cidrs)
	if err != nil {
		t.Fatal(err)
	}
	if want := GeneratedComment + "\nallow 173.245.48.0/20;\nallow 127.0.0.1/32;\nallow 2400:cb00::/32;\ndeny all;\n"; nginx != want {
		t.Fatalf("nginx:\n%s\nwant:\n%s", nginx, want)
	}
	apache, err := ApacheAllowList(cidrs)
	if err != nil || apache != GeneratedComment+"\nRequire ip 173.245.48.0/20 127.0.0.1/32 2400:cb00::/32\n" {
		t.Fatalf("apache: %q %v", apache, err)
	}
	nft, err := NftablesAllowList(cidrs, []int{443, 8443, 443})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"elements = { 173.245.48.0/20, 127.0.0.1/32 }",
		"elements = { 2400:cb00::/32 }",
		"tcp dport { 443, 8443 } ip saddr @cloudflare_ipv4 accept",
		"tcp dport { 443, 8443 } ip6 saddr @cloudflare_ipv6 accept",
		"tcp dport { 443, 8443 } drop",
	} {
		if !strings.Contains(nft, want) {
			t.Errorf("nftables lacks %q:\n%s", want, nft)
		}
	}
	// A family without ranges gets an empty set: nft refuses "elements = { }".
	if v4only, _ := NftablesAllowList([]string{"127.0.0.1/32"}, []int{443}); strings.Count(v4only, "elements") != 1 {
		t.Errorf("IPv4-only ruleset:\n%s", v4only)
	}
}

func TestAllowListsRefuseInjection(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cidrs []string
		want  string
	}{
		{"empty", nil, "would refuse every client"},
		{"directive", []string{"1.2.3.0/24; allow all"}, "is not a CIDR"},
		{"newline", []string{"1.2.3.0/24\nallow all"}, "is not a CIDR"},
		{"Apache all", []string{"all"}, "is not a CIDR"},
		{"bare address", []string{"1.2.3.4"}, "is not a CIDR"},
		{"host bits", []string{"10.1.2.3/8"}, "did you mean 10.0.0.0/8?"},
		{"zone", []string{"fe80::%eth0/64"}, "is not a CIDR"},
		{"duplicate", []string{"10.0.0.0/8", "10.0.0.0/8"}, "appears twice"},
	} {
		for name, render := range map[string]func([]string) (string, error){
			"nginx": NginxAllowList, "apache": ApacheAllowList,
			"nftables": func(c []string) (string, error) { return NftablesAllowList(c, []int{443}) },
		} {
			out, err := render(tc.cidrs)
			if !errors.Is(err, ErrInvalidCIDR) || !strings.Contains(err.Error(), tc.want) || out != "" {
				t.Errorf("%s/%s: %q, %v; want an error containing %q", tc.name, name, out, err, tc.want)
			}
		}
	}
	for _, ports := range [][]int{nil, {0}, {65536}} {
		if _, err := NftablesAllowList([]string{"10.0.0.0/8"}, ports); !errors.Is(err, ErrInvalidPort) {
			t.Errorf("ports %v: %v", ports, err)
		}
	}
}

func TestVerification(t *testing.T) {
	got, err := NginxVerification("/etc/nginx/ca.pem", 2, VerifyOptional, "X-Client-Verify", "/var/log/nginx/aop.log")
	want := GeneratedComment + "\nssl_client_certificate /etc/nginx/ca.pem;\nssl_verify_client optional;\nssl_verify_depth 2;\n" +
		"proxy_set_header X-Client-Verify $ssl_client_verify;\naccess_log /var/log/nginx/aop.log cfaop_verdict;\n"
	if err != nil || got != want {
		t.Fatalf("nginx optional:\n%s\nwant:\n%s (%v)", got, want, err)
	}
	if got, _ := NginxVerification("/etc/nginx/ca.pem", 1, VerifyOn, "", ""); !strings.Contains(got, "ssl_verify_client on;") || strings.Contains(got, "proxy_set_header") || strings.Contains(got, "access_log") {
		t.Fatalf("nginx on without header and log:\n%s", got)
	}
	if !strings.Contains(NginxVerdictLogFormat(), "verify=$ssl_client_verify fingerprint=$ssl_client_fingerprint subject=\"$ssl_client_s_dn\"") {
		t.Fatal(NginxVerdictLogFormat())
	}
	got, err = ApacheVerification("/etc/apache2/ca.pem", 1, VerifyOn, "X-Verdict", "/var/log/apache2/aop.log")
	for _, want := range []string{"SSLVerifyClient require\n", "RequestHeader set X-Verdict \"%{SSL_CLIENT_VERIFY}s\"\n", `verify=%{SSL_CLIENT_VERIFY}x serial=%{SSL_CLIENT_M_SERIAL}x`} {
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("apache lacks %q:\n%s (%v)", want, got, err)
		}
	}
	if got, _ := ApacheVerification("/etc/apache2/ca.pem", 1, VerifyOptional, "", ""); !strings.Contains(got, "SSLVerifyClient optional\n") {
		t.Fatalf("apache optional:\n%s", got)
	}
	for _, tc := range []struct {
		mode, header, log string
		kind              error
	}{
		{"off", "", "", ErrInvalidMode},
		{"optional_no_ca", "", "", ErrInvalidMode},
		{VerifyOn, "X-Verify: x\r\nX-Other", "", ErrInvalidHeader},
		{VerifyOn, "X Verify", "", ErrInvalidHeader},
		{VerifyOn, "X-Verify;", "", ErrInvalidHeader},
		{VerifyOn, "", "/var/log/a.log; include /etc/passwd", ErrInvalidCAFile},
		{VerifyOn, "", "relative.log", ErrInvalidCAFile},
	} {
		for name, render := range map[string]func(string, int, string, string, string) (string, error){"nginx": NginxVerification, "apache": ApacheVerification} {
			if out, err := render("/etc/ca.pem", 1, tc.mode, tc.header, tc.log); !errors.Is(err, tc.kind) || out != "" {
				t.Errorf("%s %+v: %q %v", name, tc, out, err)
			}
		}
	}
	if _, err := NginxVerification("/etc/ca.pem", 1, VerifyOn, "", "relative.log"); err == nil || !strings.HasPrefix(err.Error(), "The log file: ") {
		t.Errorf("log file error: %v", err)
	}
}

// isHeaderName accepts exactly what the pattern it replaced accepts.
func TestIsHeaderName_acceptsWhatItsPatternAccepts(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,63}$`)
	in := []string{"", "X", "x", "0", "-", "X-", "X-Verify", "-X", "X_Verify", "X Verify", "Xé", "X-Verify\n",
		"X" + strings.Repeat("a", 63), "X" + strings.Repeat("a", 64), strings.Repeat("9", 64)}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "aZ09-_ :\n"
	for range 20000 {
		b := make([]byte, r.IntN(70))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		in = append(in, string(b))
	}
	accepted := 0
	for _, s := range in {
		if got, want := isHeaderName(s), pattern.MatchString(s); got != want {
			t.Errorf("isHeaderName(%q) = %v, the pattern says %v", s, got, want)
		} else if got {
			accepted++
		}
	}
	if accepted == 0 {
		t.Error("isHeaderName accepted nothing")
	}
}
