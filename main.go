// Command terraform-provider-cfaop is the Terraform provider for Cloudflare
// Authenticated Origin Pulls.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cfaop/terraform-provider-cfaop/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietLogsTerraformDiscards(os.Getenv, os.Setenv)
		refuseProtocolDataDir(os.Getenv, os.Unsetenv, os.Stderr)
	}
	tuneGC(os.Getenv)

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/cfaop/cfaop",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// providerLogLevelVars are the plugin-side variables that set a log level:
// the SDK's protocol, framework and root loggers and this provider's logger.
var providerLogLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CFAOP"}

// quietLogsTerraformDiscards turns the plugin SDK's loggers off when
// Terraform would throw away everything they write. Left unset, they log at
// TRACE: several JSON lines per RPC that this process formats and Terraform
// parses, only to drop them when neither TF_LOG nor TF_LOG_PROVIDER is set
// (what that cost is in internal/bench/README.md). A level set explicitly for
// any of these loggers is kept.
func quietLogsTerraformDiscards(getenv func(string) string, setenv func(string, string) error) {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, v := range providerLogLevelVars {
		if getenv(v) != "" {
			return
		}
	}
	for _, v := range providerLogLevelVars {
		_ = setenv(v, "OFF")
	}
}

// protocolDataDirVar makes terraform-plugin-go write every request and
// response value of the protocol, raw, to files in that directory: the
// configuration and plan of a certificate with its private key (write-only
// or not) and the provider configuration with its token or API key. Outside
// a -debug session the provider drops it, since no secret may reach a file
// but Terraform's own state. The protocol's TRACE log lines carry no values.
const protocolDataDirVar = "TF_LOG_SDK_PROTO_DATA_DIR"

func refuseProtocolDataDir(getenv func(string) string, unsetenv func(string) error, stderr io.Writer) {
	if getenv(protocolDataDirVar) == "" {
		return
	}
	_ = unsetenv(protocolDataDirVar)
	_, _ = fmt.Fprintf(stderr, "terraform-provider-cfaop: ignoring %s: the raw protocol data it writes holds private keys and credentials; "+
		"run the provider with -debug to use it\n", protocolDataDirVar)
}

// The provider's live heap is small while every plugin call allocates a lot,
// so with Go's default GOGC=100 a large plan spends much of the provider's
// CPU collecting garbage; a higher GOGC trades some memory for that CPU (the
// measurements are in internal/bench/README.md). The soft memory limit makes
// the collector work harder again long before memory is a problem. GOGC and
// GOMEMLIMIT set by the user win.
const (
	gcPercent     = 400
	gcMemoryLimit = 1 << 30 // 1 GiB
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcMemoryLimit)
	}
}
