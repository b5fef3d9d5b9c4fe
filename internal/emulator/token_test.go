package emulator

import (
	"regexp"
	"testing"
)

// Without a configured token the emulator accepts a fresh random one in
// Cloudflare's token format, never a fixed default.
func TestNewToken(t *testing.T) {
	format := regexp.MustCompile(`^[A-Za-z0-9_-]{40}$`)
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if !format.MatchString(tok) {
			t.Fatalf("token %q is not 40 characters of [A-Za-z0-9_-]", tok)
		}
		if seen[tok] {
			t.Fatal("NewToken repeated a token")
		}
		seen[tok] = true
	}
	a, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !format.MatchString(a.Token()) || a.Token() == b.Token() {
		t.Fatalf("two servers without a configured token accept %q and %q", a.Token(), b.Token())
	}
	c, err := New(Config{Token: "explicit-token"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Token() != "explicit-token" {
		t.Fatalf("Config.Token ignored: %q", c.Token())
	}
}
