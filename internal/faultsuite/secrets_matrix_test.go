package faultsuite

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/emulator"
	"github.com/cfaop/terraform-provider-cfaop/internal/originlab"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// The secret scan matrix: every credential and key variant under every log
// setting, each cell one scenario through the Terraform CLI against its own
// emulator (create, refresh, update, import, rotation, a mismatched key, a
// 1406, a 403, a lost upload response, destroy), scanning everything the run
// wrote for every secret it used.

// credentialVariant says how the key reaches the provider and how the
// provider authenticates. The four cells cover private_key, private_key_wo,
// api_token and api_key + email.
type credentialVariant struct {
	name      string
	writeOnly bool // private_key_wo (else private_key, stored in state)
	legacyKey bool // api_key + email (else api_token)
}

var credentialVariants = []credentialVariant{
	{"private_key+api_token", false, false},
	{"private_key_wo+api_token", true, false},
	{"private_key+api_key", false, true},
	{"private_key_wo+api_key", true, true},
}

// logVariant is a log setting; marks are strings its log must hold, so a
// setting that logs nothing cannot pass for a clean one, and absent are
// strings it must not hold, so that a subsystem's cell is that subsystem's.
type logVariant struct {
	name   string
	env    []string
	marks  []string
	absent []string
	// protoData sets TF_LOG_SDK_PROTO_DATA_DIR, where terraform-plugin-go
	// writes raw request and response values.
	protoData bool
}

var logVariants = []logVariant{
	{name: "TF_LOG=TRACE", env: []string{"TF_LOG=TRACE"},
		marks: []string{"[TRACE]", "sdk.framework", "sdk.proto", "Cloudflare API request", "provider defined type-based SemanticEquals"}},
	{name: "TF_LOG_PROVIDER=TRACE", env: []string{"TF_LOG_PROVIDER=TRACE"},
		marks: []string{"sdk.framework", "Cloudflare API request", "provider defined type-based SemanticEquals"}},
	// Terraform keeps a provider's TRACE lines only when TF_LOG or
	// TF_LOG_PROVIDER is TRACE; TF_LOG_SDK=OFF leaves one SDK subsystem on.
	{name: "TF_LOG_SDK_FRAMEWORK=TRACE", env: []string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=TRACE"},
		marks: []string{"sdk.framework", "provider defined type-based SemanticEquals"}, absent: []string{"sdk.proto"}},
	{name: "TF_LOG_SDK_PROTO=TRACE", env: []string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=TRACE"}, protoData: true,
		marks: []string{"sdk.proto", "Received request", "ignoring TF_LOG_SDK_PROTO_DATA_DIR"}, absent: []string{"sdk.framework"}},
}

// matrixMainTF is one zone certificate, a duplicate of it switched on by
// var.duplicate (to provoke a 1406), and credentials in ephemeral variables,
// which no plan or state keeps. The key variable is ephemeral too for
// private_key_wo; private_key is stored in state, so its value cannot be.
const matrixMainTF = `terraform {
  required_providers {
    cfaop = { source = "cfaop/cfaop" }
  }
}

variable "api_token" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}
variable "api_key" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}
variable "email" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}
variable "zone_id" { type = string }
variable "certificate" { type = string }
variable "key_version" { type = number }
variable "duplicate" { type = bool }

provider "cfaop" {
  api_token   = var.api_token
  api_key     = var.api_key
  email       = var.email
  max_backoff = "1s"
  max_retries = 1
}
`

const matrixKeyTF = `variable "key" {
  type      = string
  sensitive = true
}

variable "delete_timeout" {
  type = string
}

resource "cfaop_zone_certificate" "c" {
  zone_id     = var.zone_id
  certificate = var.certificate
  private_key = var.key
  timeouts {
    delete = var.delete_timeout
  }
}

resource "cfaop_zone_certificate" "dup" {
  count       = var.duplicate ? 1 : 0
  zone_id     = var.zone_id
  certificate = var.certificate
  private_key = var.key
}
`

const matrixKeyWOTF = `variable "key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "delete_timeout" {
  type = string
}

resource "cfaop_zone_certificate" "c" {
  zone_id                = var.zone_id
  certificate            = var.certificate
  private_key_wo         = var.key
  private_key_wo_version = var.key_version
}

resource "cfaop_zone_certificate" "dup" {
  count                  = var.duplicate ? 1 : 0
  zone_id                = var.zone_id
  certificate            = var.certificate
  private_key_wo         = var.key
  private_key_wo_version = var.key_version
}
`

// matrixTotals adds up the cells for the summary line.
type matrixTotals struct {
	mu                          sync.Mutex
	cells, sources, ops, needle int
	bytes                       int
	hits                        int
}

func TestSecrets_matrix(t *testing.T) {
	t.Parallel()
	lab := newLab(t, 0)
	start := time.Now()
	totals := &matrixTotals{}
	pairs := newMatrixPairs()
	defer func() {
		t.Logf("secret scan matrix: %d cells (%d credential variants × %d log variants), %d operations per cell, "+
			"%d sources scanned in all (%d bytes) for %d needles in all: %d hits, in %s",
			totals.cells, len(credentialVariants), len(logVariants), totals.ops/max(totals.cells, 1),
			totals.sources, totals.bytes, totals.needle, totals.hits, time.Since(start).Round(time.Second))
	}()
	// A cell spends most of its time waiting on Terraform and on the
	// provider's status polls, not on the CPU, so cells run matrixCells at a
	// time rather than t.Parallel's default of one per core. Each has its own
	// emulator and directory: they share nothing.
	var wg sync.WaitGroup
	slots := make(chan struct{}, matrixCells)
	for _, cv := range credentialVariants {
		for _, lv := range logVariants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				t.Run(cv.name+"/"+lv.name, func(t *testing.T) { runSecretCell(t, lab.Workspace, cv, lv, pairs, totals) })
			}()
		}
	}
	wg.Wait()
}

// matrixCells is how many cells run at once.
const matrixCells = 8

// matrixPairs are the certificates and keys every cell uses: RSA, so that
// every key has many base64 lines. Made once for all cells, which share
// nothing else (each has its own emulator and directory): generating RSA
// keys under the race detector was the largest part of this test's own CPU.
type matrixPairs struct {
	first, rotated, lost, stranger testcerts.Pair
}

func newMatrixPairs() matrixPairs {
	return matrixPairs{
		first:    testcerts.MustLeaf(testcerts.WithRSA(2048), testcerts.WithCN("first."+Zones[0])),
		rotated:  testcerts.MustLeaf(testcerts.WithRSA(2048), testcerts.WithCN("rotated."+Zones[0])),
		lost:     testcerts.MustLeaf(testcerts.WithRSA(2048), testcerts.WithCN("lost."+Zones[0])),
		stranger: testcerts.MustLeaf(testcerts.WithRSA(2048)),
	}
}

// secret is a random string that no output may contain.
func secret(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func runSecretCell(t *testing.T, newWS func(string, map[string]string) (*originlab.Workspace, error), cv credentialVariant, lv logVariant, pairs matrixPairs, totals *matrixTotals) {
	var emuLog strings.Builder
	var emuLogMu sync.Mutex
	creds := map[string]string{
		"api_token": emulator.NewToken(), "wrong api_token": emulator.NewToken(),
		"api_key": secret("", 19)[:37], "wrong api_key": secret("", 19)[:37],
		"email": secret("sec-", 6) + "@example.net",
	}
	emu, err := emulator.New(emulator.Config{
		Zones: []string{Zones[0]}, Token: creds["api_token"], APIKey: creds["api_key"], Email: creds["email"],
		Logf: func(f string, a ...any) {
			emuLogMu.Lock()
			defer emuLogMu.Unlock()
			fmt.Fprintf(&emuLog, f+"\n", a...)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	root := strings.TrimSuffix(base, emulator.APIPrefix)
	zoneID := emu.ZoneID(Zones[0])

	keyTF := matrixKeyTF
	if cv.writeOnly {
		keyTF = matrixKeyWOTF
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "ws")
	logPath := filepath.Join(tmp, "terraform.log")
	protoDir := filepath.Join(tmp, "proto-data")
	if err := os.MkdirAll(protoDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ows, err := newWS(dir, map[string]string{"main.tf": matrixMainTF, "key.tf": keyTF})
	if err != nil {
		t.Fatal(err)
	}
	ws := &workspace{Workspace: ows, t: t}
	setCreds := func(token, key string) {
		ws.Env = []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=", "CFAOP_GLOBAL_CA_URL=" + root + emulator.CAPath,
			"TF_LOG_PATH=" + logPath}
		ws.Env = append(ws.Env, lv.env...)
		if lv.protoData {
			ws.Env = append(ws.Env, "TF_LOG_SDK_PROTO_DATA_DIR="+protoDir)
		}
		if cv.legacyKey {
			ws.Env = append(ws.Env, "TF_VAR_api_key="+key, "TF_VAR_email="+creds["email"])
		} else {
			ws.Env = append(ws.Env, "TF_VAR_api_token="+token)
		}
	}
	setCreds(creds["api_token"], creds["api_key"])

	first, rotated, lost, stranger := pairs.first, pairs.rotated, pairs.lost, pairs.stranger
	firstPKCS1 := testcerts.PKCS1(t, first)
	deleteTimeout := "20m"
	vars := func(p testcerts.Pair, key string, version int, duplicate bool) map[string]any {
		return map[string]any{"zone_id": zoneID, "certificate": p.CertPEM, "key": key, "key_version": version, "duplicate": duplicate,
			"delete_timeout": deleteTimeout}
	}
	ws.setVars(vars(first, first.KeyPEM, 1, false))

	sources := map[string]string{}
	ops := 0
	step := func(name string, wantExit int, args ...string) string {
		t.Helper()
		out, code := ws.run(args...)
		sources["output of "+name] = out
		if code != wantExit {
			t.Fatalf("%s: exit %d, want %d\n%s", name, code, wantExit, errorLines(out))
		}
		return out
	}
	expect := func(name, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Fatalf("%s: the output lacks %q:\n%s", name, w, errorLines(out))
			}
		}
	}
	apply := []string{"apply", "-input=false", "-auto-approve", "-no-color"}

	step("init", 0, "init", "-input=false", "-no-color")

	ops++ // create, from a saved plan
	step("plan", 0, "plan", "-input=false", "-no-color", "-out=create.tfplan")
	planJSON := step("show plan", 0, "show", "-json", "-no-color", "create.tfplan")
	delete(sources, "output of show plan")
	sources["plan JSON"] = planJSONToScan(t, planJSON, cv.writeOnly)
	step("apply", 0, "apply", "-input=false", "-no-color", "create.tfplan")

	ops++ // refresh: an empty plan
	step("refresh", 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")

	ops++ // update in place: the write-only version, or the timeouts with the key in another encoding
	if cv.writeOnly {
		ws.setVars(vars(first, first.KeyPEM, 2, false))
	} else {
		// A re-encoded key alone plans nothing (same key); the timeouts
		// change makes it an update that carries the key through apply.
		deleteTimeout = "21m"
		ws.setVars(vars(first, firstPKCS1, 1, false))
	}
	expect("update", step("update", 0, apply...), "1 changed, 0 destroyed")

	ops++ // import into an empty address
	stateJSON := step("show state", 0, "show", "-json", "-no-color")
	delete(sources, "output of show state")
	sources["state JSON"] = stateJSON
	if !cv.writeOnly {
		sources["state JSON"] = withoutKeyAttributes(t, stateJSON)
	}
	resources, err := ParseState([]byte(stateJSON))
	if err != nil || len(resources) != 1 {
		t.Fatalf("state before import: %d resources, %v", len(resources), err)
	}
	id := str(resources[0].Values, "id")
	step("state rm", 0, "state", "rm", "-no-color", "cfaop_zone_certificate.c")
	step("import", 0, "import", "-input=false", "-no-color", "cfaop_zone_certificate.c", zoneID+"/"+id)

	ops++ // rotation: a new certificate and key replace the old ones
	ws.setVars(vars(rotated, rotated.KeyPEM, 3, false))
	expect("rotate", step("rotate", 0, apply...), "1 added, 0 changed, 1 destroyed")

	ops++ // a key that does not match the certificate: a plan-time error
	ws.setVars(vars(rotated, stranger.KeyPEM, 3, false))
	expect("mismatched key", step("mismatched key", 1, "plan", "-input=false", "-no-color"), "Private Key Does Not Match Certificate")

	ops++ // a 1406: the same certificate uploaded twice (found in the zone's
	// listing at plan time, before the upload Cloudflare would refuse)
	ws.setVars(vars(rotated, rotated.KeyPEM, 3, true))
	expect("1406", step("1406", 1, apply...), "Certificate Already Uploaded")
	ws.setVars(vars(rotated, rotated.KeyPEM, 3, false))

	ops++ // a 403: wrong credentials
	setCreds(creds["wrong api_token"], creds["wrong api_key"])
	expect("403", step("403", 1, "plan", "-input=false", "-no-color"), "10000")
	setCreds(creds["api_token"], creds["api_key"])

	ops++ // a lost response: the upload is stored, its answer never arrives
	emu.SetFaults(emulator.Faults{FailNext: []emulator.Fault{{Method: http.MethodPost, PathContains: "/origin_tls_client_auth", AfterApply: true, Reset: true}}})
	ws.setVars(vars(lost, lost.KeyPEM, 4, false))
	step("lost response", 0, apply...)
	if n := emu.InjectedFaults(); len(n) == 0 {
		t.Fatal("lost response: the fault was never injected")
	}
	if n := liveCerts(emu.Snapshot()); n != 1 {
		t.Fatalf("lost response: %d live certificates, want 1", n)
	}

	// What the emulator logged and its admin endpoints show, while it holds
	// a certificate.
	for _, op := range []string{"state", "requests"} {
		sources["emulator admin "+op] = adminGET(t, root+emulator.AdminPrefix+op, creds["api_token"])
	}

	ops++ // destroy
	step("destroy", 0, "destroy", "-input=false", "-auto-approve", "-no-color")
	if left := Clean(emu.Snapshot()); len(left) > 0 {
		t.Fatalf("destroy left %v", left)
	}

	for name, path := range map[string]string{
		"log (TF_LOG_PATH)": logPath,
		"state file":        filepath.Join(dir, "terraform.tfstate"),
		"state backup":      filepath.Join(dir, "terraform.tfstate.backup"),
		"upload journal":    filepath.Join(dir, ".terraform", "cfaop-upload-journal.json"),
	} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sources[name] = string(raw)
		if strings.HasPrefix(name, "state") && !cv.writeOnly {
			sources[name] = withoutKeyAttributes(t, string(raw))
		}
	}
	protoFiles, _ := os.ReadDir(protoDir)
	if len(protoFiles) > 0 {
		// The provider drops TF_LOG_SDK_PROTO_DATA_DIR (main.go); the files are scanned all the same.
		t.Errorf("%d protocol data files were written", len(protoFiles))
	}
	for _, f := range protoFiles {
		raw, err := os.ReadFile(filepath.Join(protoDir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sources["protocol data file "+f.Name()] = string(raw)
	}
	emuLogMu.Lock()
	sources["emulator log"] = emuLog.String()
	emuLogMu.Unlock()
	for _, m := range lv.marks {
		if !strings.Contains(sources["log (TF_LOG_PATH)"], m) {
			t.Fatalf("the log holds no %q: does %s log what it should? (%d bytes)", m, lv.name, len(sources["log (TF_LOG_PATH)"]))
		}
	}
	for _, m := range lv.absent {
		if strings.Contains(sources["log (TF_LOG_PATH)"], m) {
			t.Fatalf("the log holds %q: %s logs more than it says", m, lv.name)
		}
	}

	keys := []string{first.KeyPEM, firstPKCS1, rotated.KeyPEM, lost.KeyPEM, stranger.KeyPEM}
	needles := secretNeedles(keys, creds["api_token"])
	for what, v := range creds {
		needles[v] = "the " + what
	}
	found := scan(sources, needles)
	size := 0
	for _, s := range sources {
		size += len(s)
	}
	t.Logf("%d sources (%d bytes, %d protocol data files), %d operations, %d needles: %d hits",
		len(sources), size, len(protoFiles), ops, len(needles), len(found))
	totals.mu.Lock()
	totals.cells++
	totals.sources += len(sources)
	totals.ops += ops
	totals.needle += len(needles)
	totals.bytes += size
	totals.hits += len(found)
	totals.mu.Unlock()
	if len(found) > 0 {
		t.Fatalf("secrets leaked:\n%s", strings.Join(found, "\n"))
	}
}

// planJSONToScan is the saved plan as `terraform show -json` prints it.
// With private_key_wo it is scanned whole: no key may be in it. With
// private_key the key is in the plan by Terraform's design (a sensitive
// value stored in state is planned like any other, and the run's input
// variables are kept too); those values are dropped and the rest scanned.
func planJSONToScan(t *testing.T, planJSON string, writeOnly bool) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(planJSON), &doc); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	if _, ok := doc["resource_changes"]; !ok {
		t.Fatalf("plan JSON without resource_changes (%d bytes)", len(planJSON))
	}
	if writeOnly {
		return planJSON
	}
	if vars, ok := doc["variables"].(map[string]any); ok {
		delete(vars, "key")
	}
	return withoutKeyAttributes(t, mustJSON(t, doc))
}

// withoutKeyAttributes drops every "private_key" attribute from a JSON
// document (state or plan), where private_key is stored by design.
func withoutKeyAttributes(t *testing.T, raw string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "private_key")
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return mustJSON(t, doc)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// adminGET reads an admin endpoint of the emulator.
func adminGET(t *testing.T, url, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(body)
}
