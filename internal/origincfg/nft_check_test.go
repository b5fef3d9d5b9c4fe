package origincfg

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The ruleset is what nft accepts: `nft -c` checks it without loading it.
// It needs the nft binary (Debian's nftables) and, for its netlink cache, root.
func TestNftablesAllowListParses(t *testing.T) {
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("nft is not installed (apt-get install nftables)")
	}
	for name, cidrs := range map[string][]string{
		"both families": {"173.245.48.0/20", "2400:cb00::/32"},
		"IPv4 only":     {"127.0.0.1/32"},
	} {
		rules, err := NftablesAllowList(cidrs, []int{443, 8443})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "rules.nft")
		if err := os.WriteFile(file, []byte(rules), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(nft, "-c", "-f", file).CombinedOutput(); err != nil {
			t.Errorf("%s: nft -c refused the ruleset: %v\n%s\n%s", name, err, out, rules)
		}
	}
}
