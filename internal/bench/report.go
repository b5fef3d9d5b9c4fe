package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
)

// Machine describes where the figures were measured.
type Machine struct {
	CPUs      int
	MemoryGiB float64
	CPUModel  string
	Terraform string
	Go        string
	OS        string
}

// ThisMachine reads nproc, memory and CPU model from /proc and asks
// terraform for its version.
func ThisMachine(ctx context.Context, terraform string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPUModel: "unknown"}
	if v, err := TerraformVersion(ctx, terraform); err == nil {
		m.Terraform = v
	}
	if kib, ok := procField("/proc/meminfo", "MemTotal"); ok {
		var n int64
		if _, err := fmt.Sscanf(kib, "%d", &n); err == nil {
			m.MemoryGiB = float64(n) / (1024 * 1024)
		}
	}
	if model, ok := procField("/proc/cpuinfo", "model name"); ok {
		m.CPUModel = model
	}
	return m
}

func (m Machine) String() string {
	return fmt.Sprintf("%d CPUs (nproc), %.1f GiB memory, %s; Terraform %s, %s, %s", m.CPUs, m.MemoryGiB, m.CPUModel, m.Terraform, m.Go, m.OS)
}

// procField returns the value of the first "name : value" line of a /proc file.
func procField(path, name string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// Report renders the results as Markdown: the summary table, the requests
// by method and path shape per run, and the budget.
func Report(results []Result, machine Machine, when time.Time, resets bool) string {
	var b strings.Builder
	if len(results) == 0 {
		return ""
	}
	o := results[0]
	fmt.Fprintf(&b, "Measured %s on %s.\n\n", when.UTC().Format("2006-01-02"), machine)
	fmt.Fprintf(&b, "Emulator: %s latency per API request, status transitions after %s, Cloudflare's rate limit enforced "+
		"(1,200 requests per 300 s per token, then 429 and a 300 s lock-out).", o.Latency, o.Delay)
	if resets {
		b.WriteString(" **The harness resets the rate limit window before each phase** unless a run says \"no window resets\".")
	}
	b.WriteString(" API requests exclude the CA download (`" + ShapeCA + "`, not rate limited). Floor: the same phases of " +
		"the same resource graph made of `terraform_data`, i.e. what Terraform itself costs. Peak memory: the highest " +
		"VmHWM of the provider processes of the phase.\n\n")

	b.WriteString("| run | phase | API requests | wall time | floor (terraform_data) | provider peak memory | provider CPU | busiest rate limit window | 429s |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		for _, m := range r.Phases {
			floor := "–"
			if m.FloorWall > 0 {
				floor = seconds(m.FloorWall)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %d / %d | %d |\n", r.Spec.Label(), m.Phase, m.APIRequests(), seconds(m.Wall), floor,
				formatKiB(m.PeakKiB), seconds(m.ProviderCPU), m.PeakWindow, emulator.CloudflareRateLimit, m.RateLimited)
		}
	}

	b.WriteString("\nRequests by method and path shape (`…` is `/zones/{zone_id}/origin_tls_client_auth`):\n\n")
	for _, r := range results {
		fmt.Fprintf(&b, "%s, %d hostname certificates:\n\n", r.Spec.Label(), r.Certificates)
		phases := make([]phaseRequests, len(r.Phases))
		for i, m := range r.Phases {
			phases[i] = phaseRequests{m.Phase, m.Requests}
		}
		writeRequestTable(&b, phases)
	}

	writeBudgetHeader(&b)
	for _, r := range results {
		writeChecks(&b, r.Spec.Label(), Checks(r))
	}
	return b.String()
}

// phaseRequests is one phase's API requests by method and path shape.
type phaseRequests struct {
	phase    string
	requests map[string]int
}

// writeRequestTable writes a table of requests, a row per shape and a
// column per phase.
func writeRequestTable(b *strings.Builder, phases []phaseRequests) {
	b.WriteString("| request |")
	for _, m := range phases {
		b.WriteString(" " + m.phase + " |")
	}
	b.WriteString("\n|---|")
	for range phases {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, shape := range sortedShapes(phases) {
		fmt.Fprintf(b, "| `%s` |", shortShape(shape))
		for _, m := range phases {
			fmt.Fprintf(b, " %d |", m.requests[shape])
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func writeBudgetHeader(b *strings.Builder) {
	b.WriteString("Budget:\n\n| run | budget | limit | measured | |\n|---|---|---|---|---|\n")
}

// writeChecks writes one run's budget checks as rows of the budget table.
func writeChecks(b *strings.Builder, label string, checks []Check) {
	for _, c := range checks {
		mark := "ok"
		if !c.OK {
			mark = "**over**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", label, c.Name, c.Limit, c.Measured, mark)
	}
}

func shortShape(s string) string {
	return strings.Replace(s, aop, "…", 1)
}

// Markers around the generated part of the benchmark report,
// internal/bench/README.md.
const (
	ReadmeBegin = "<!-- bench:begin (generated by make bench) -->"
	ReadmeEnd   = "<!-- bench:end -->"
)

// UpdateReadme replaces the text between ReadmeBegin and ReadmeEnd.
func UpdateReadme(path, body string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(raw)
	i := strings.Index(s, ReadmeBegin)
	j := strings.Index(s, ReadmeEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q ... %q section to update", path, ReadmeBegin, ReadmeEnd)
	}
	s = s[:i+len(ReadmeBegin)] + "\n" + strings.TrimSpace(body) + "\n" + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
