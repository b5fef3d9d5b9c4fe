package provider

import (
	"fmt"
	"sync"
	"testing"
)

func TestLimitTally_uploads(t *testing.T) {
	t.Parallel()
	tally := newLimitTally()
	live := map[string]bool{"a": true, "b": true}
	if total, planned := tally.addUpload("z1", "c", live); total != 3 || planned != 1 {
		t.Fatalf("one new upload: total %d, planned %d; want 3, 1", total, planned)
	}
	// At apply, an upload of this run is live and planned: counted once.
	live["c"] = true
	if total, planned := tally.addUpload("z1", "d", live); total != 4 || planned != 1 {
		t.Fatalf("after c went live: total %d, planned %d; want 4, 1", total, planned)
	}
	// The same certificate planned again (a tainted replacement) adds nothing.
	if total, _ := tally.addUpload("z1", "a", live); total != 4 {
		t.Fatalf("a live certificate planned again: total %d, want 4", total)
	}
	// Another zone has its own count; unknown certificates count each.
	first, second := tally.unknownKey(), tally.unknownKey()
	if first == second {
		t.Fatalf("unknown keys are equal: %q", first)
	}
	tally.addUpload("z2", first, nil)
	if total, planned := tally.addUpload("z2", second, nil); total != 2 || planned != 2 {
		t.Fatalf("zone 2: total %d, planned %d; want 2, 2", total, planned)
	}
}

func TestLimitTally_associations(t *testing.T) {
	t.Parallel()
	tally := newLimitTally()
	tally.knowAssociation("cert", "zone/a.example.com")
	tally.knowAssociation("cert", "zone/a.example.com") // read twice: once
	if n := tally.addAssociation("cert", "zone/b.example.com"); n != 2 {
		t.Fatalf("count %d, want 2", n)
	}
	// A replaced binding (new hostname) takes the old one's place.
	tally.forgetAssociation("cert", "zone/b.example.com")
	if n := tally.addAssociation("cert", "zone/c.example.com"); n != 2 {
		t.Fatalf("after a replacement: count %d, want 2", n)
	}
	// Concurrent planning: the counts only grow, and exactly one binding
	// sees each value, so exactly one crosses the limit.
	var wg sync.WaitGroup
	over := make(chan int, 200)
	for i := range 150 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n := tally.addAssociation("busy", fmt.Sprintf("zone/h%d.example.com", i)); n == maxAssociationsPerCertificate+1 {
				over <- n
			}
		}()
	}
	wg.Wait()
	close(over)
	if len(over) != 1 {
		t.Fatalf("%d bindings saw the 101st slot, want exactly 1", len(over))
	}
}
