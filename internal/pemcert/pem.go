// Package pemcert parses and checks the client certificate and private key
// that Cloudflare presents to an origin for authenticated origin pulls.
//
// Functions here are pure: they take PEM text and return values or findings,
// so the provider can run them at plan time.
package pemcert

import (
	"encoding/pem"
	"fmt"
	"path"
	"strings"
	"unicode"
)

const blockCertificate = "CERTIFICATE"

// decodeBlocks returns every PEM block in text. pem.Decode alone misses blocks
// whose BEGIN/END lines are indented (heredocs) or preceded by a byte order
// mark, so each line is trimmed first; base64 bodies do not care.
func decodeBlocks(text string) []*pem.Block {
	data := normalize(text)
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return blocks
		}
		blocks = append(blocks, b)
	}
}

func normalize(text string) []byte {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	}
	return []byte(strings.Join(lines, "\n"))
}

func isPrivateKeyType(blockType string) bool {
	return strings.HasSuffix(blockType, "PRIVATE KEY")
}

// notPEMDetail explains why no PEM block was found, for the common mistakes
// that can be recognised without echoing the value. what is "certificate" or
// "private key"; fallback is used when no mistake is recognised.
func notPEMDetail(what, text, fallback string) string {
	trimmed := strings.TrimSpace(text)
	switch {
	case trimmed == "":
		return fmt.Sprintf(detailEmpty, what)
	case strings.Contains(trimmed, `\n`) && !strings.Contains(trimmed, "\n"):
		return fmt.Sprintf(detailEscapedNewlines, what)
	case looksLikeFileName(trimmed):
		return fmt.Sprintf(detailFileName, what)
	}
	return fallback
}

func looksLikeFileName(s string) bool {
	if len(s) > 256 || strings.ContainsAny(s, "\n") {
		return false
	}
	switch strings.ToLower(path.Ext(s)) {
	case ".pem", ".crt", ".cer", ".cert", ".key", ".der":
		return true
	}
	return false
}

// blockTypeLabel bounds a user-controlled block type before it goes into a
// message.
func blockTypeLabel(t string) string {
	const maxLen = 40
	if len(t) > maxLen {
		return t[:maxLen] + "..."
	}
	return t
}
