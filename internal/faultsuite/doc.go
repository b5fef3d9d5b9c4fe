// Package faultsuite applies a large configuration through the Terraform CLI
// and the provider built from this repository against the emulator while it
// injects faults, kills Terraform in the middle of applies, and runs with
// TRACE logging, and checks that nothing is lost, duplicated or leaked: every
// certificate Cloudflare holds is in state exactly once, state agrees with
// Cloudflare, and the plan after convergence is empty.
//
// The package is test code only: the configuration, the fault mixes and the
// comparison of the Terraform state with the emulator are in suite_test.go,
// the tests beside it.
package faultsuite
