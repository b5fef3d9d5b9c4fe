package emulator

import (
	"crypto/rand"
	"encoding/base64"
)

// NewToken returns a random API token in the format of Cloudflare's API
// tokens: 40 characters of [A-Za-z0-9_-] (30 random bytes, base64url).
// A Server configured without a token accepts a new one, never a fixed,
// well-known default: a page that reaches a running emulator cannot guess it.
func NewToken() string {
	var b [30]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
