package pemcert

import (
	"strings"
	"testing"
	"unicode"
)

func TestRules(t *testing.T) {
	t.Parallel()
	all := []string{
		CodeNotPEM, CodeMultipleCertificates, CodeCACertificate, CodeExpired, CodeNotYetValid, CodeExpiresSoon,
		CodeEKUWithoutClientAuth, CodeKeyUnparsable, CodeKeyEncrypted, CodeKeyUnsupported, CodeKeyMismatch,
	}
	if len(rules) != len(all) {
		t.Errorf("rules has %d entries, want %d", len(rules), len(all))
	}
	summaries := map[string]bool{}
	for _, code := range all {
		rule, ok := rules[code]
		if !ok {
			t.Errorf("no rule for %q", code)
			continue
		}
		if summaries[rule.summary] {
			t.Errorf("summary %q is used twice", rule.summary)
		}
		summaries[rule.summary] = true
		for _, word := range strings.Fields(rule.summary) {
			if !unicode.IsUpper([]rune(word)[0]) {
				t.Errorf("summary %q is not in Title Case", rule.summary)
			}
		}
		if code != strings.ToLower(code) || strings.ContainsAny(code, " -") {
			t.Errorf("code %q is not snake_case", code)
		}
	}
	warnings := map[string]bool{CodeExpiresSoon: true, CodeEKUWithoutClientAuth: true}
	for code, rule := range rules {
		if want := map[bool]Severity{true: SeverityWarning, false: SeverityError}[warnings[code]]; rule.severity != want {
			t.Errorf("%s severity = %v, want %v", code, rule.severity, want)
		}
	}
}
