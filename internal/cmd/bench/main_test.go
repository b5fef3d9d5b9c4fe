package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/bench"
)

func TestRealisticSpecs(t *testing.T) {
	got, err := realisticSpecs(" 100/4, 500/5 ,", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.RealisticSpec{{N: 100, Certificates: 4, Delay: 30 * time.Second}, {N: 500, Certificates: 5, Delay: 30 * time.Second}}
	if len(got) != len(want) || got[0].N != want[0].N || got[0].Certificates != want[0].Certificates ||
		got[1].N != want[1].N || got[1].Certificates != want[1].Certificates || got[1].Delay != want[1].Delay {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got, err := realisticSpecs("", time.Second); err != nil || len(got) != 0 {
		t.Fatalf("empty: %+v, %v", got, err)
	}
	for in, want := range map[string]string{
		"100":    "not N/K",
		"100/":   "not N/K",
		"x/4":    "not N/K",
		"500/4":  "do not fit",
		"100/6":  "do not fit",
		"100/-1": "not N/K",
	} {
		if _, err := realisticSpecs(in, time.Second); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want an error containing %q, got %v", in, want, err)
		}
	}
	if _, err := realisticSpecs("10/1", 0); err == nil || !strings.Contains(err.Error(), "must be positive") {
		t.Errorf("zero delay: %v", err)
	}
}
