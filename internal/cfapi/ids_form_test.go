package cfapi

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the hand-written checks replaced: the checks must
// accept exactly what these do.
var (
	zoneIDRegexp        = regexp.MustCompile(`^[0-9a-f]{32}$`)
	certificateIDRegexp = regexp.MustCompile(`^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$`)
	hostnameRegexp      = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// formCorpus: the edges of each form, then random strings over an alphabet
// that makes near misses likely.
func formCorpus() []string {
	label63 := strings.Repeat("a", 63)
	in := []string{
		"", ".", "-", "a", "a.b", "a.b.", ".a.b", "a..b", "a-.b", "-a.b", "a.-b", "a.b-", "a-b.c-d", "0.0", "_a.b",
		label63 + ".com", label63 + "a.com", "com." + label63, "com." + label63 + "b",
		strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab", strings.Repeat("a.", 127) + "a",
		"023e105f4ecef8ad9ca31a8372d0c353", "023E105F4ECEF8AD9CA31A8372D0C353", "023e105f4ecef8ad9ca31a8372d0c35",
		"023e105f4ecef8ad9ca31a8372d0c3533", "023e105f4ecef8ad9ca31a8372d0c35g",
		"2458ce5a-0c35-4c7f-82c7-8e9487d3ff60", "2458CE5A-0C35-4C7F-82C7-8E9487D3FF60", "2458ce5a0c35-4c7f-82c7-8e9487d3ff60-",
		"2458ce5a-0c35-4c7f-82c78-e9487d3ff60", "2458ce5a-0c35-4c7f-82c7-8e9487d3ff6g", "2458ce5a-0c35-4c7f-82c7-8e9-87d3ff60",
		"------------------------------------", "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60\n", "app.example.com\n",
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcf09-.-.AZ_/é"
	for range 20000 {
		n := r.IntN(40)
		if r.IntN(10) == 0 {
			n = 30 + r.IntN(10) // near the lengths of the IDs
		}
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		in = append(in, b.String())
	}
	return in
}

func TestIDForms_acceptWhatTheirPatternsAccept(t *testing.T) {
	t.Parallel()
	checks := []struct {
		name string
		is   func(string) bool
		want func(string) bool
	}{
		{"IsZoneID", IsZoneID, zoneIDRegexp.MatchString},
		{"IsCertificateID", IsCertificateID, certificateIDRegexp.MatchString},
		{"IsHostname", IsHostname, func(s string) bool { return len(s) <= 253 && hostnameRegexp.MatchString(s) }},
	}
	accepted := map[string]int{}
	for _, s := range formCorpus() {
		for _, c := range checks {
			got, want := c.is(s), c.want(s)
			if got != want {
				t.Errorf("%s(%q) = %v, the pattern says %v", c.name, s, got, want)
			}
			if got {
				accepted[c.name]++
			}
		}
	}
	// Each form accepts some of the corpus, so the comparison is not only
	// of refusals.
	for _, c := range checks {
		if accepted[c.name] == 0 {
			t.Errorf("%s accepted nothing in the corpus", c.name)
		}
	}
}
