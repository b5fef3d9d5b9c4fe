// Command bench measures the provider at scale against the emulator with a
// per-request latency and Cloudflare's rate limit enforced (see package
// bench), prints a Markdown report and, with -readme, writes it into the
// benchmark report next to the code that measures it:
//
//	go run ./internal/cmd/bench -n 10,100,500 -readme internal/bench/README.md
//
// Then the realistic runs: the scale-hostname-bindings example with every
// status transition taking -realistic-delay, N hostnames over K
// certificates for each N/K of -realistic (empty for none; -n= runs only
// them).
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
	phases := fs.String("phases", "", "phases to run, in order (default "+strings.Join(bench.AllPhases, ",")+"; realistic runs "+
		strings.Join(bench.RealisticPhases, ",")+", where "+bench.PhaseRotateNoRefresh+" alone exists)")
	realistic := fs.String("realistic", "100/4,500/5", "realistic runs, N hostnames over K certificates as N/K, comma-separated (empty for none)")
	realisticDelay := fs.Duration("realistic-delay", 30*time.Second, "realistic runs: delay of every status transition (certificate deployment and deletion, association deployment and removal)")
	realisticExample := fs.String("realistic-example", "", "realistic runs: the configuration's directory, taking the example's variables (default: "+bench.RealisticExample+")")
	readme := fs.String("readme", "", "Markdown file to write the report into, between the bench markers (make bench: internal/bench/README.md)")
	repo := fs.String("repo", ".", "repository root (where main.go is)")
	terraform := fs.String("terraform", "", "Terraform CLI (default: terraform on PATH, else /usr/local/bin/terraform)")
	work := fs.String("workdir", "", "scratch directory (default: a temporary directory, removed afterwards)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ns, err := ints(*sizes)
	if err != nil {
		return fmt.Errorf("-n: want numbers such as 10,100,500 (%v)", err)
	}
	realSpecs, err := realisticSpecs(*realistic, *realisticDelay)
	if err != nil {
		return fmt.Errorf("-realistic: %v", err)
	}
	if len(ns) == 0 && len(realSpecs) == 0 {
		return errors.New("nothing to run: -n and -realistic are both empty")
	}
	ps, err := ints(*parallel)
	if err != nil {
		return fmt.Errorf("-parallelism: %v", err)
	}
	phaseList, realPhases := bench.AllPhases, bench.RealisticPhases
	if *phases != "" {
		phaseList, realPhases = nil, nil
		for _, p := range strings.Split(*phases, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if !slices.Contains(bench.RealisticPhases, p) {
				return fmt.Errorf("-phases: unknown phase %q (want some of %s)", p, strings.Join(bench.RealisticPhases, ","))
			}
			realPhases = append(realPhases, p)
			if slices.Contains(bench.AllPhases, p) {
				phaseList = append(phaseList, p)
			}
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

	var specs []bench.RunSpec
	for _, n := range ns {
		specs = append(specs, bench.RunSpec{N: n, Floor: *floor, Phases: phaseList})
	}
	if len(ns) > 0 {
		largest := slices.Max(ns)
		for _, p := range ps {
			specs = append(specs, bench.RunSpec{N: largest, Parallelism: p, Floor: *floor, Phases: phaseList})
		}
		if *noReset {
			specs = append(specs, bench.RunSpec{N: largest, NoReset: true, Phases: phaseList})
		}
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
	var realResults []bench.RealisticResult
	for _, spec := range realSpecs {
		spec.Phases, spec.Example = realPhases, *realisticExample
		r, err := b.RunRealistic(ctx, spec)
		if err != nil {
			return err
		}
		realResults = append(realResults, r)
	}
	say("all runs took %s", time.Since(started).Round(time.Second))

	if len(results) > 0 {
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
	}
	if len(realResults) > 0 {
		report := bench.RealisticReport(realResults, machine, time.Now())
		if _, err := fmt.Fprintln(stdout, report); err != nil {
			return err
		}
		if *readme != "" {
			if err := bench.UpdateSection(*readme, bench.RealisticBegin, bench.RealisticEnd, report); err != nil {
				return err
			}
			say("wrote the realistic report into %s", *readme)
		}
	}
	var over []string
	for _, r := range results {
		for _, c := range bench.Checks(r) {
			if !c.OK {
				over = append(over, fmt.Sprintf("%s: %s is %s, budget %s", r.Spec.Label(), c.Name, c.Measured, c.Limit))
			}
		}
	}
	for _, r := range realResults {
		for _, c := range bench.RealisticChecks(r) {
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

// realisticSpecs parses N/K pairs such as "100/4,500/5".
func realisticSpecs(s string, delay time.Duration) ([]bench.RealisticSpec, error) {
	var out []bench.RealisticSpec
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, k, ok := strings.Cut(f, "/")
		nk, err := ints(n + "," + k)
		if !ok || err != nil || len(nk) != 2 {
			return nil, fmt.Errorf("%q is not N/K, e.g. 100/4", f)
		}
		spec := bench.RealisticSpec{N: nk[0], Certificates: nk[1], Delay: delay}
		if err := spec.Validate(); err != nil {
			return nil, err
		}
		out = append(out, spec)
	}
	return out, nil
}
