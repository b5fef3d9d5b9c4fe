package main

import (
	"maps"
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func TestQuietLogsTerraformDiscards(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_CFAOP": "OFF"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string // what is set on top of env (nil: nothing)
	}{
		{"nothing asked: Terraform discards provider logs", map[string]string{}, off},
		{"TF_LOG", map[string]string{"TF_LOG": "DEBUG"}, nil},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, nil},
		{"explicit SDK level kept", map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}, nil},
		{"explicit provider level kept", map[string]string{"TF_LOG_PROVIDER_CFAOP": "DEBUG"}, nil},
		{"TF_LOG_CORE alone: provider logs still discarded", map[string]string{"TF_LOG_CORE": "TRACE"}, off},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{}
			quietLogsTerraformDiscards(func(k string) string { return tc.env[k] }, func(k, v string) error { set[k] = v; return nil })
			if !maps.Equal(set, tc.want) {
				t.Fatalf("set %v, want %v", set, tc.want)
			}
		})
	}
}

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != gcMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, gcMemoryLimit)
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "100MiB"}[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set by the user: GC percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set by the user: memory limit changed to %d", got)
	}
}

func TestRefuseProtocolDataDir(t *testing.T) {
	for _, dir := range []string{"", "/tmp/proto"} {
		var unset []string
		var said strings.Builder
		refuseProtocolDataDir(func(k string) string {
			if k == protocolDataDirVar {
				return dir
			}
			return ""
		}, func(k string) error { unset = append(unset, k); return nil }, &said)
		switch {
		case dir == "" && (len(unset) > 0 || said.Len() > 0):
			t.Errorf("unset: %v, said %q", unset, said.String())
		case dir != "" && (len(unset) != 1 || unset[0] != protocolDataDirVar || !strings.Contains(said.String(), "-debug")):
			t.Errorf("with %s set: unset %v, said %q", protocolDataDirVar, unset, said.String())
		}
	}
}
