// Command terraform-provider-cfaop is the Terraform provider for Cloudflare
// Authenticated Origin Pulls.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cfaop/terraform-provider-cfaop/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/cfaop/cfaop",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
