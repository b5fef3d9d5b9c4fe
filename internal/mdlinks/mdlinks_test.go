package mdlinks

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README points to reports, guides and examples all over the tree, and
// they point back; a moved file must not leave a dead link behind. Templates
// are skipped: their links are relative to the docs/ pages generated from
// them, which are checked.
var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	mdFence   = regexp.MustCompile("(?s)```.*?```")
	mdHeading = regexp.MustCompile(`(?m)^#{1,6}\s+(.+)$`)
	mdAnchor  = regexp.MustCompile(`<a id="([^"]+)">`)
	notSlug   = regexp.MustCompile(`[^\p{L}\p{N}\- _]`)
)

func TestMarkdownLinksResolve(t *testing.T) {
	// The walk starts at the repository's root, and the paths in the
	// messages are relative to it.
	t.Chdir(filepath.Join("..", ".."))
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." && d.Name() != ".ci" || d.Name() == "templates" || d.Name() == "dist") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found only %d Markdown files: %v", len(files), files)
	}
	for _, file := range files {
		text := mdFence.ReplaceAllString(readFile(t, file), "")
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			link := m[1]
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(link, "#")
			target := file
			if path != "" {
				target = filepath.Join(filepath.Dir(file), path)
			}
			info, err := os.Stat(target)
			if err != nil {
				t.Errorf("%s: link %s: %v", file, link, err)
				continue
			}
			if anchor != "" && !info.IsDir() && !hasAnchor(readFile(t, target), anchor) {
				t.Errorf("%s: link %s: %s has no heading or anchor %q", file, link, target, anchor)
			}
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// hasAnchor reports whether text has a heading whose GitHub slug is anchor,
// or an explicit <a id="anchor">.
func hasAnchor(text, anchor string) bool {
	for _, m := range mdAnchor.FindAllStringSubmatch(text, -1) {
		if m[1] == anchor {
			return true
		}
	}
	for _, m := range mdHeading.FindAllStringSubmatch(mdFence.ReplaceAllString(text, ""), -1) {
		slug := strings.ReplaceAll(notSlug.ReplaceAllString(strings.ToLower(strings.TrimSpace(m[1])), ""), " ", "-")
		if slug == anchor {
			return true
		}
	}
	return false
}
