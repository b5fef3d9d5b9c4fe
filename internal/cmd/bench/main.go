// Command bench measures the provider at scale against the emulator with a
// per-request latency and Cloudflare's rate limit enforced (see package
// bench), prints a Markdown report and, with -readme, writes it into the
// benchmark report next to the code that measures it:
//
//	go run ./internal/cmd/bench -n 10,100,500 -readme internal/bench/README.md
//
// It exits 1 when a figure is over the provider's budget.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("n", "10,100,500", "numbers of hostname bindings, comma-separated")
	latency := fs.Duration("latency", 50*time.Millisecond, "emulated latency per API request")
	delay := fs.Duration("delay", 2*time.Second, "emulated status transition delay (pending_deployment -> active)")
	parallel := fs.String("parallelism", "50", "extra runs of the largest N at these -parallelism values, comma-separated (empty for none)")
	noReset := fs.Bool("no-reset-run", true, "an extra run of the largest N without resetting the rate limit window between phases")
	floor := fs.Bool("floor", true, "measure the terraform_data floor for every run")
	phases := fs.String("phases", strings.Join(bench.AllPhases, ","), "phases to run, in order")
	readme := fs.String("readme", "", "Markdown file to write the report into, between the bench markers (make bench: internal/bench/README.md)")
	repo := fs.String("repo", ".", "repository root (where main.go is)")
	terraform := fs.String("terraform", "", "Terraform CLI (default: terraform on PATH, else /usr/local/bin/terraform)")
	work := fs.String("workdir", "", "scratch directory (default: a temporary directory, removed afterwards)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ns, err := ints(*sizes)
	if err != nil || len(ns) == 0 {
		return fmt.Errorf("-n: want numbers such as 10,100,500 (%v)", err)
	}
	ps, err := ints(*parallel)
	if err != nil {
		return fmt.Errorf("-parallelism: %v", err)
	}
	var phaseList []string
	for _, p := range strings.Split(*phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !slices.Contains(bench.AllPhases, p) {
				return fmt.Errorf("-phases: unknown phase %q (want some of %s)", p, strings.Join(bench.AllPhases, ","))
			}
			phaseList = append(phaseList, p)
		}
	}
	if *work == "" {
		dir, err := os.MkdirTemp("", "cfaop-bench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		*work = dir
	}
	say := func(format string, a ...any) { _, _ = fmt.Fprintf(stderr, format+"\n", a...) }

	b, err := bench.New(ctx, bench.Options{RepoRoot: *repo, WorkDir: *work, Latency: *latency, Delay: *delay, Terraform: *terraform, Say: say})
	if err != nil {
		return err
	}
	defer func() { _ = b.Close() }()
	machine := bench.ThisMachine(ctx, b.Terraform())
	say("machine: %s", machine)

	largest := slices.Max(ns)
	var specs []bench.RunSpec
	for _, n := range ns {
		specs = append(specs, bench.RunSpec{N: n, Floor: *floor, Phases: phaseList})
	}
	for _, p := range ps {
		specs = append(specs, bench.RunSpec{N: largest, Parallelism: p, Floor: *floor, Phases: phaseList})
	}
	if *noReset {
		specs = append(specs, bench.RunSpec{N: largest, NoReset: true, Phases: phaseList})
	}
	var results []bench.Result
	started := time.Now()
	for _, spec := range specs {
		r, err := b.Run(ctx, spec)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	say("all runs took %s", time.Since(started).Round(time.Second))

	report := bench.Report(results, machine, time.Now(), true)
	if _, err := fmt.Fprintln(stdout, report); err != nil {
		return err
	}
	if *readme != "" {
		if err := bench.UpdateReadme(*readme, report); err != nil {
			return err
		}
		say("wrote the report into %s", *readme)
	}
	var over []string
	for _, r := range results {
		for _, c := range bench.Checks(r) {
			if !c.OK {
				over = append(over, fmt.Sprintf("%s: %s is %s, budget %s", r.Spec.Label(), c.Name, c.Measured, c.Limit))
			}
		}
	}
	if len(over) > 0 {
		return fmt.Errorf("over budget:\n  %s", strings.Join(over, "\n  "))
	}
	return nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
