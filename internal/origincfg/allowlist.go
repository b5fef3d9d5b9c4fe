package origincfg

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrInvalidCIDR and ErrInvalidPort are returned (as *ValueError) for a
// refused allow list or port.
var (
	ErrInvalidCIDR = errors.New("invalid CIDR")
	ErrInvalidPort = errors.New("invalid port")
)

// maxCIDRs bounds an allow list; Cloudflare publishes about two dozen ranges.
const maxCIDRs = 1000

// CheckCIDRs parses an allow list: at least one canonical IPv4 or IPv6
// prefix such as 173.245.48.0/20 or 2400:cb00::/32, each once. Anything else
// is refused, so an entry can never end a directive or add a rule. It
// returns the prefixes, IPv4 first, each family in the given order.
func CheckCIDRs(cidrs []string) ([]netip.Prefix, error) {
	if len(cidrs) == 0 {
		return nil, invalid(ErrInvalidCIDR, "The allow list is empty, which would refuse every client, Cloudflare included. "+
			"Give Cloudflare's ranges, e.g. data.cfaop_ip_ranges.cloudflare.cidrs")
	}
	if len(cidrs) > maxCIDRs {
		return nil, invalid(ErrInvalidCIDR, "The allow list has %d entries; at most %d are allowed", len(cidrs), maxCIDRs)
	}
	var v4, v6 []netip.Prefix
	seen := map[netip.Prefix]bool{}
	for i, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, invalid(ErrInvalidCIDR, "Entry %d, %q, is not a CIDR such as 173.245.48.0/20 or 2400:cb00::/32", i+1, truncate(c))
		}
		if p != p.Masked() {
			return nil, invalid(ErrInvalidCIDR, "Entry %d, %q, has host bits set: did you mean %s?", i+1, c, p.Masked())
		}
		if p.Addr().Zone() != "" || p.Addr().Is4In6() {
			return nil, invalid(ErrInvalidCIDR, "Entry %d, %q, must be a plain IPv4 or IPv6 prefix", i+1, truncate(c))
		}
		if seen[p] {
			return nil, invalid(ErrInvalidCIDR, "Entry %d, %s, appears twice", i+1, p)
		}
		seen[p] = true
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return append(v4, v6...), nil
}

// NginxAllowList renders nginx access rules, for a server or location
// block, that admit only the given ranges: one allow per range, then deny all.
func NginxAllowList(cidrs []string) (string, error) {
	prefixes, err := CheckCIDRs(cidrs)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(GeneratedComment + "\n")
	for _, p := range prefixes {
		fmt.Fprintf(&b, "allow %s;\n", p)
	}
	b.WriteString("deny all;\n")
	return b.String(), nil
}

// ApacheAllowList renders the mod_authz_core rule, for a <Directory> or
// <Location> block, that admits only the given ranges.
func ApacheAllowList(cidrs []string) (string, error) {
	prefixes, err := CheckCIDRs(cidrs)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(prefixes))
	for i, p := range prefixes {
		parts[i] = p.String()
	}
	return fmt.Sprintf("%s\nRequire ip %s\n", GeneratedComment, strings.Join(parts, " ")), nil
}

// NftablesAllowList renders an nftables ruleset (a table of its own, for
// `nft -f`) that accepts TCP connections to ports only from the given ranges
// and drops the rest, before the web server sees them. It touches no other
// table and no other port.
func NftablesAllowList(cidrs []string, ports []int) (string, error) {
	prefixes, err := CheckCIDRs(cidrs)
	if err != nil {
		return "", err
	}
	if len(ports) == 0 {
		return "", invalid(ErrInvalidPort, "No port was given; give the ports the origin serves, e.g. [443]")
	}
	seen := map[int]bool{}
	portList := make([]string, 0, len(ports))
	for _, p := range ports {
		if p < 1 || p > 65535 {
			return "", invalid(ErrInvalidPort, "Port %d is not from 1 to 65535", p)
		}
		if !seen[p] {
			seen[p] = true
			portList = append(portList, fmt.Sprint(p))
		}
	}
	var v4, v6 []string
	for _, p := range prefixes {
		if p.Addr().Is4() {
			v4 = append(v4, p.String())
		} else {
			v6 = append(v6, p.String())
		}
	}
	dports := "{ " + strings.Join(portList, ", ") + " }"
	var b strings.Builder
	b.WriteString(GeneratedComment + "\n")
	b.WriteString("# Load with: nft -f <file>. Replaces only the table cfaop_origin.\n")
	b.WriteString("table inet cfaop_origin\ndelete table inet cfaop_origin\n")
	b.WriteString("table inet cfaop_origin {\n")
	set := func(name, typ string, elems []string) {
		fmt.Fprintf(&b, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name, typ)
		if len(elems) > 0 {
			fmt.Fprintf(&b, "\t\telements = { %s }\n", strings.Join(elems, ", "))
		}
		b.WriteString("\t}\n")
	}
	set("cloudflare_ipv4", "ipv4_addr", v4)
	set("cloudflare_ipv6", "ipv6_addr", v6)
	b.WriteString("\tchain input {\n\t\ttype filter hook input priority filter - 1; policy accept;\n")
	fmt.Fprintf(&b, "\t\ttcp dport %s ip saddr @cloudflare_ipv4 accept\n", dports)
	fmt.Fprintf(&b, "\t\ttcp dport %s ip6 saddr @cloudflare_ipv6 accept\n", dports)
	fmt.Fprintf(&b, "\t\ttcp dport %s drop\n", dports)
	b.WriteString("\t}\n}\n")
	return b.String(), nil
}
