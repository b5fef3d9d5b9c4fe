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
// setting (4 × 4 combinations), through the Terraform CLI. One run per log
// setting holds all four credential and key variants, each a certificate of
// its own behind its own provider configuration, against its own emulator:
// create, refresh, update, import, rotation, a mismatched key, a 1406, a
// 403, a lost upload response, destroy. Everything the run wrote is scanned
// for every secret it used. A log setting is per process, so it needs a run
// of its own; the variants are per resource, so they share one: a secret
// that one variant leaks shows in the run whatever else it holds, and the
// four runs make a sixth of the Terraform processes that sixteen did.

// credentialVariant says how the key reaches the provider and how the
// provider authenticates. The four cover private_key, private_key_wo,
// api_token and api_key + email; name is the resource's name.
type credentialVariant struct {
	name      string
	writeOnly bool // private_key_wo (else private_key, stored in state)
	legacyKey bool // api_key + email (else api_token)
}

var credentialVariants = []credentialVariant{
	{"private_key_api_token", false, false},
	{"private_key_wo_api_token", true, false},
	{"private_key_api_key", false, true},
	{"private_key_wo_api_key", true, true},
}

// logVariant is a log setting; marks are strings its log must hold, so a
// setting that logs nothing cannot pass for a clean one, and absent are
// strings it must not hold, so that a subsystem's run is that subsystem's.
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

// matrixMainTF: credentials in ephemeral variables, which no plan or state
// keeps, and a provider configuration for each way to authenticate. The
// keys for private_key_wo are ephemeral too; private_key is stored in
// state, so its values cannot be.
const matrixMainTF = `terraform {
  required_providers {
    cfaop = { source = "cfaop/cfaop" }
  }
}

variable "api_token" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "email" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "keys" {
  type      = map(string)
  sensitive = true
}
variable "keys_wo" {
  type      = map(string)
  sensitive = true
  ephemeral = true
}
variable "zone_id" { type = string }
variable "certificates" { type = map(string) }
variable "key_version" { type = number }
variable "duplicate" { type = string }
variable "delete_timeout" { type = string }

provider "cfaop" {
  alias       = "api_token"
  api_token   = var.api_token
  max_backoff = "1s"
  max_retries = 1
}

provider "cfaop" {
  alias       = "api_key"
  api_key     = var.api_key
  email       = var.email
  max_backoff = "1s"
  max_retries = 1
}
`

// matrixResourceTF is one variant's certificate and a duplicate of it that
// var.duplicate switches on by naming the variant (to provoke a 1406). %[1]s is the variant,
// %[2]s its provider configuration.
const matrixResourceTF = `
resource "cfaop_zone_certificate" "%[1]s" {
  provider    = cfaop.%[2]s
  zone_id     = var.zone_id
  certificate = var.certificates["%[1]s"]
  private_key = var.keys["%[1]s"]
  timeouts {
    delete = var.delete_timeout
  }
}

resource "cfaop_zone_certificate" "%[1]s_dup" {
  provider    = cfaop.%[2]s
  count       = var.duplicate == "%[1]s" ? 1 : 0
  zone_id     = var.zone_id
  certificate = var.certificates["%[1]s"]
  private_key = var.keys["%[1]s"]
}
`

const matrixResourceWOTF = `
resource "cfaop_zone_certificate" "%[1]s" {
  provider               = cfaop.%[2]s
  zone_id                = var.zone_id
  certificate            = var.certificates["%[1]s"]
  private_key_wo         = var.keys_wo["%[1]s"]
  private_key_wo_version = var.key_version
}

resource "cfaop_zone_certificate" "%[1]s_dup" {
  provider               = cfaop.%[2]s
  count                  = var.duplicate == "%[1]s" ? 1 : 0
  zone_id                = var.zone_id
  certificate            = var.certificates["%[1]s"]
  private_key_wo         = var.keys_wo["%[1]s"]
  private_key_wo_version = var.key_version
}
`

// matrixResourcesTF is every variant's certificate.
func matrixResourcesTF() string {
	var b strings.Builder
	for _, cv := range credentialVariants {
		tmpl, provider := matrixResourceTF, "api_token"
		if cv.writeOnly {
			tmpl = matrixResourceWOTF
		}
		if cv.legacyKey {
			provider = "api_key"
		}
		fmt.Fprintf(&b, tmpl, cv.name, provider)
	}
	return b.String()
}

// matrixTotals adds up the runs for the summary line.
type matrixTotals struct {
	mu                         sync.Mutex
	runs, sources, ops, needle int
	bytes                      int
	hits                       int
}

func TestSecrets_matrix(t *testing.T) {
	t.Parallel()
	lab := newLab(t, 0)
	start := time.Now()
	totals := &matrixTotals{}
	pairs, err := newMatrixPairs()
	if err != nil {
		t.Fatal(err)
	}
	// A cleanup, not a defer: it runs once the parallel runs are done.
	t.Cleanup(func() {
		t.Logf("secret scan matrix: %d combinations (%d credential and key variants × %d log variants) in %d runs, "+
			"%d operations per run, %d sources scanned in all (%d bytes) for %d needles in all: %d hits, in %s",
			totals.runs*len(credentialVariants), len(credentialVariants), len(logVariants), totals.runs,
			totals.ops/max(totals.runs, 1), totals.sources, totals.bytes, totals.needle, totals.hits,
			time.Since(start).Round(time.Second))
	})
	// Each run has its own emulator and directory: they share nothing.
	for _, lv := range logVariants {
		t.Run(lv.name, func(t *testing.T) {
			t.Parallel()
			runSecretMatrix(t, lab.Workspace, lv, pairs, totals)
		})
	}
}

// matrixPairs are the certificates and keys every run uses, by variant: RSA,
// so that every key has many base64 lines, on the package's shared keys
// (generating RSA keys under the race detector was the largest part of the
// suite process's own CPU). Thirteen keys, one per certificate: a hit names
// the key, so it names the variant.
type matrixPairs struct {
	first, rotated, lost map[string]testcerts.Pair
	stranger             testcerts.Pair
}

func newMatrixPairs() (matrixPairs, error) {
	mp := matrixPairs{first: map[string]testcerts.Pair{}, rotated: map[string]testcerts.Pair{}, lost: map[string]testcerts.Pair{}}
	n := 0
	pair := func(cn string) (testcerts.Pair, error) {
		key, err := rsaKey(1 + 3*n) // the indices leaf uses for RSA
		n++
		if err != nil {
			return testcerts.Pair{}, err
		}
		return testcerts.Leaf(testcerts.WithKey(key), testcerts.WithCN(cn))
	}
	var err error
	for _, cv := range credentialVariants {
		for what, m := range map[string]map[string]testcerts.Pair{"first": mp.first, "rotated": mp.rotated, "lost": mp.lost} {
			if m[cv.name], err = pair(what + "." + strings.ReplaceAll(cv.name, "_", "-") + "." + Zones[0]); err != nil {
				return mp, err
			}
		}
	}
	mp.stranger, err = pair("stranger." + Zones[0])
	return mp, err
}

// keys returns every key a run sends, in every encoding (the update sends
// the first keys as PKCS#1), and, as stored, those configured as
// private_key, which state and plans hold by design.
func (mp matrixPairs) keys(t *testing.T) (all []string, stored map[string]bool) {
	all = []string{mp.stranger.KeyPEM}
	stored = map[string]bool{}
	for _, cv := range credentialVariants {
		ofVariant := []string{testcerts.PKCS1(t, mp.first[cv.name])}
		for _, set := range []map[string]testcerts.Pair{mp.first, mp.rotated, mp.lost} {
			ofVariant = append(ofVariant, set[cv.name].KeyPEM)
		}
		all = append(all, ofVariant...)
		for _, k := range ofVariant {
			if !cv.writeOnly {
				stored[k] = true
			}
		}
	}
	return all, stored
}

// secret is a random string that no output may contain.
func secret(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func runSecretMatrix(t *testing.T, newWS func(string, map[string]string) (*originlab.Workspace, error), lv logVariant, pairs matrixPairs, totals *matrixTotals) {
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

	tmp := t.TempDir()
	dir := filepath.Join(tmp, "ws")
	logPath := filepath.Join(tmp, "terraform.log")
	protoDir := filepath.Join(tmp, "proto-data")
	if err := os.MkdirAll(protoDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ows, err := newWS(dir, map[string]string{"main.tf": matrixMainTF, "certificates.tf": matrixResourcesTF()})
	if err != nil {
		t.Fatal(err)
	}
	ws := &workspace{Workspace: ows, t: t}
	setCreds := func(token, key string) {
		ws.Env = []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=", "CFAOP_GLOBAL_CA_URL=" + root + emulator.CAPath,
			"TF_LOG_PATH=" + logPath, "TF_VAR_api_token=" + token, "TF_VAR_api_key=" + key, "TF_VAR_email=" + creds["email"]}
		ws.Env = append(ws.Env, lv.env...)
		if lv.protoData {
			ws.Env = append(ws.Env, "TF_LOG_SDK_PROTO_DATA_DIR="+protoDir)
		}
	}
	setCreds(creds["api_token"], creds["api_key"])

	// vars gives every variant the certificate of set and, in key's
	// encoding, its key.
	deleteTimeout := "20m"
	pemKey := func(p testcerts.Pair) string { return p.KeyPEM }
	vars := func(set map[string]testcerts.Pair, key func(testcerts.Pair) string, version int, duplicate string) map[string]any {
		certs, keys, keysWO := map[string]string{}, map[string]string{}, map[string]string{}
		for _, cv := range credentialVariants {
			certs[cv.name] = set[cv.name].CertPEM
			if cv.writeOnly {
				keysWO[cv.name] = key(set[cv.name])
			} else {
				keys[cv.name] = key(set[cv.name])
			}
		}
		return map[string]any{"zone_id": zoneID, "certificates": certs, "keys": keys, "keys_wo": keysWO,
			"key_version": version, "duplicate": duplicate, "delete_timeout": deleteTimeout}
	}
	ws.setVars(vars(pairs.first, pemKey, 1, ""))
	allKeys, stored := pairs.keys(t)

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
	// expectEach wants want once per variant at least.
	expectEach := func(name, out, want string) {
		t.Helper()
		if n := strings.Count(out, want); n < len(credentialVariants) {
			t.Fatalf("%s: the output has %q %d times, want one per variant (%d):\n%s", name, want, n, len(credentialVariants), errorLines(out))
		}
	}
	apply := []string{"apply", "-input=false", "-auto-approve", "-no-color"}
	addrs := make([]string, 0, len(credentialVariants))
	for _, cv := range credentialVariants {
		addrs = append(addrs, "cfaop_zone_certificate."+cv.name)
	}

	step("init", 0, "init", "-input=false", "-no-color")

	ops++ // create, from a saved plan
	step("plan", 0, "plan", "-input=false", "-no-color", "-out=create.tfplan")
	planJSON := step("show plan", 0, "show", "-json", "-no-color", "create.tfplan")
	delete(sources, "output of show plan")
	sources["plan JSON"] = planJSONToScan(t, planJSON, stored)
	step("apply", 0, "apply", "-input=false", "-no-color", "create.tfplan")

	ops++ // refresh: an empty plan
	step("refresh", 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")

	ops++ // update in place, every key in another encoding: for private_key_wo
	// the version changes; for private_key the timeouts. A re-encoded key
	// alone plans nothing (same key); the timeouts change makes it an update
	// that carries the key through apply.
	deleteTimeout = "21m"
	ws.setVars(vars(pairs.first, func(p testcerts.Pair) string { return testcerts.PKCS1(t, p) }, 2, ""))
	expect("update", step("update", 0, apply...), fmt.Sprintf("%d changed, 0 destroyed", len(credentialVariants)))

	ops++ // import into empty addresses
	stateJSON := step("show state", 0, "show", "-json", "-no-color")
	delete(sources, "output of show state")
	sources["state JSON"] = withoutKeyAttributes(t, stateJSON, stored)
	resources, err := ParseState([]byte(stateJSON))
	if err != nil || len(resources) != len(credentialVariants) {
		t.Fatalf("state before import: %d resources, %v", len(resources), err)
	}
	step("state rm", 0, append([]string{"state", "rm", "-no-color"}, addrs...)...)
	for _, r := range resources {
		step("import "+r.Address, 0, "import", "-input=false", "-no-color", r.Address, zoneID+"/"+str(r.Values, "id"))
	}

	ops++ // rotation: new certificates and keys replace the old ones
	ws.setVars(vars(pairs.rotated, pemKey, 3, ""))
	expect("rotate", step("rotate", 0, apply...), fmt.Sprintf("%d added, 0 changed, %[1]d destroyed", len(credentialVariants)))

	ops++ // keys that do not match their certificates: a plan-time error
	ws.setVars(vars(pairs.rotated, func(testcerts.Pair) string { return pairs.stranger.KeyPEM }, 3, ""))
	expectEach("mismatched key", step("mismatched key", 1, "plan", "-input=false", "-no-color"), "Private Key Does Not Match Certificate")

	ops++ // a 1406: the same certificate uploaded twice (found in the zone's
	// listing at plan time, or refused by Cloudflare at apply when the
	// original's refresh had not run yet). One variant at a time: the first
	// plan-time error would keep the other variants from applying.
	for _, cv := range credentialVariants {
		ws.setVars(vars(pairs.rotated, pemKey, 3, cv.name))
		expect("1406", step("1406 "+cv.name, 1, apply...), "Certificate Already Uploaded", "cfaop_zone_certificate."+cv.name+"_dup[0]")
	}
	ws.setVars(vars(pairs.rotated, pemKey, 3, ""))

	ops++ // a 403: wrong credentials
	setCreds(creds["wrong api_token"], creds["wrong api_key"])
	expect("403", step("403", 1, "plan", "-input=false", "-no-color"), "10000")
	setCreds(creds["api_token"], creds["api_key"])

	ops++ // a lost response: each upload is stored, its answer never arrives
	var faults []emulator.Fault
	for _, cv := range credentialVariants {
		faults = append(faults, emulator.Fault{Method: http.MethodPost, PathContains: "/origin_tls_client_auth",
			BodyContains: uniqueLine(pairs.lost, cv.name), AfterApply: true, Reset: true})
	}
	emu.SetFaults(emulator.Faults{FailNext: faults})
	ws.setVars(vars(pairs.lost, pemKey, 4, ""))
	step("lost response", 0, apply...)
	if n := emu.InjectedFaults()["reset after apply"]; n != len(credentialVariants) {
		t.Fatalf("lost response: %d lost responses injected, want %d", n, len(credentialVariants))
	}
	if n := liveCerts(emu.Snapshot()); n != len(credentialVariants) {
		t.Fatalf("lost response: %d live certificates, want %d", n, len(credentialVariants))
	}

	// What the emulator logged and its admin endpoints show, while it holds
	// certificates.
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
		if strings.HasPrefix(name, "state") {
			sources[name] = withoutKeyAttributes(t, string(raw), stored)
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

	needles := secretNeedles(t, allKeys, creds["api_token"])
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
	totals.runs++
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

// planJSONToScan is the saved plan as `terraform show -json` prints it. A
// private_key is in the plan by Terraform's design (a sensitive value stored
// in state is planned like any other, and the run's input variables are
// kept too): the "keys" variable and every private_key attribute are
// dropped and the rest scanned. A private_key_wo, ephemeral, may be nowhere.
func planJSONToScan(t *testing.T, planJSON string, stored map[string]bool) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(planJSON), &doc); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	if _, ok := doc["resource_changes"]; !ok {
		t.Fatalf("plan JSON without resource_changes (%d bytes)", len(planJSON))
	}
	if vars, ok := doc["variables"].(map[string]any); ok {
		delete(vars, "keys")
	}
	return withoutKeyAttributes(t, mustJSON(t, doc), stored)
}

// withoutKeyAttributes drops from a JSON document (state or plan) every
// "private_key" attribute whose value is in stored: the keys configured as
// private_key, stored by design. Any other value stays and is scanned, so a
// private_key_wo that reached a private_key attribute is still found.
func withoutKeyAttributes(t *testing.T, raw string, stored map[string]bool) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if k, ok := x["private_key"].(string); ok && stored[k] {
				delete(x, "private_key")
			}
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

// A private_key attribute is dropped only when it holds a key configured as
// private_key; a write-only key that reached one stays, to be found.
func TestWithoutKeyAttributes_dropsOnlyStoredKeys(t *testing.T) {
	t.Parallel()
	state := `{"resources":[{"name":"a","instances":[{"attributes":{"id":"1","private_key":"stored key"}}]},` +
		`{"name":"b","instances":[{"attributes":{"id":"2","private_key":"write-only key"}}]},` +
		`{"name":"c","instances":[{"attributes":{"id":"3","private_key":null}}]}]}`
	got := withoutKeyAttributes(t, state, map[string]bool{"stored key": true})
	if strings.Contains(got, "stored key") {
		t.Errorf("the stored key is still there: %s", got)
	}
	if !strings.Contains(got, `"private_key":"write-only key"`) || !strings.Contains(got, `"private_key":null`) {
		t.Errorf("an attribute that holds no stored key was dropped: %s", got)
	}
}
