package faultsuite

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// secretNeedles are the strings no output may contain: every base64 line of
// every private key used, the PEM label of a private key, and the API token.
// A line whose bytes all belong to the key's public half is left out: it is
// public (an RSA modulus fills several lines), and where the certificate's
// encoding of the same bytes lines up with the key's, the certificate holds
// that very line, which would read as a leak.
func secretNeedles(t *testing.T, keys []string, token string) map[string]string {
	t.Helper()
	needles := map[string]string{"PRIVATE KEY": "a PEM private key label", token: "the API token"}
	for i, k := range keys {
		public := publicKeyDER(t, k)
		for _, line := range strings.Split(k, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "-----") {
				continue
			}
			if raw, err := base64.StdEncoding.DecodeString(line); err == nil && bytes.Contains(public, raw) {
				continue
			}
			needles[line] = fmt.Sprintf("a base64 line of private key %d", i)
		}
	}
	return needles
}

// publicKeyDER is the SubjectPublicKeyInfo of a PKCS#8 or PKCS#1 private key.
func publicKeyDER(t *testing.T, keyPEM string) []byte {
	t.Helper()
	key, err := pemcert.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// scan reports every needle found in every source.
func scan(sources map[string]string, needles map[string]string) []string {
	var found []string
	for name, text := range sources {
		for needle, what := range needles {
			if n := strings.Count(text, needle); n > 0 {
				found = append(found, fmt.Sprintf("%s: %d× %s", name, n, what))
			}
		}
	}
	sort.Strings(found)
	return found
}

// A full lifecycle with TF_LOG=TRACE (create, refresh, rotate, a diagnostic
// about a mismatched key, destroy): the TRACE log, every command's output,
// the plan, the state (write-only keys) and the upload journal contain no
// private key material and no API token.
func TestSecrets_traceLogsPlanStateAndDiagnostics(t *testing.T) {
	t.Parallel()
	lab := newLab(t, 200*time.Millisecond)
	zones := zoneIDs(lab, Zones[:1]...)
	shape := Shape{ZoneCerts: 1, HostnameCerts: 2, Bindings: 2, Switches: true}
	fx, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := NewFixture(zones, shape)
	if err != nil {
		t.Fatal(err)
	}
	rotated.Vars["key_version"] = 2
	stranger := testcerts.MustLeaf(testcerts.WithRSA(2048))

	dir := filepath.Join(t.TempDir(), "ws")
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	ws := newWorkspace(t, lab, dir, fx)
	ws.Env = []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}

	outputs := map[string]string{}
	step := func(name string, wantExit int, args ...string) string {
		t.Helper()
		out, code := ws.run(args...)
		outputs["output of "+name] = out
		if code != wantExit {
			t.Fatalf("%s: exit %d, want %d\n%s", name, code, wantExit, errorLines(out))
		}
		return out
	}
	step("validate", 0, "validate", "-no-color")
	step("plan", 0, "plan", "-input=false", "-no-color", "-out=create.tfplan")
	// A saved plan holds the run's input variables, sensitive ones included,
	// by Terraform's design (plan files must be kept secret), and `show -json`
	// prints them under "variables". The sources scanned are the plan's
	// resource changes and planned values, where a write-only key never is.
	outputs["plan JSON without input variables"] = withoutVariables(t, step("show plan", 0, "show", "-json", "-no-color", "create.tfplan"))
	delete(outputs, "output of show plan")
	step("apply", 0, "apply", "-input=false", "-no-color", "create.tfplan")
	step("refresh plan", 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	outputs["state JSON after create"] = step("show state", 0, "show", "-json", "-no-color")

	ws.setVars(rotated.Vars)
	step("rotate", 0, "apply", "-input=false", "-auto-approve", "-no-color")
	outputs["state JSON after rotation"] = step("show state", 0, "show", "-json", "-no-color")

	// A diagnostic about a key: the key of another certificate.
	bad := cloneVars(rotated.Vars)
	keys := bad["keys"].(map[string]string)
	for k := range keys {
		keys[k] = stranger.KeyPEM
		break
	}
	ws.setVars(bad)
	diag := step("mismatched key", 1, "plan", "-input=false", "-no-color")
	if !strings.Contains(diag, "Private Key Does Not Match Certificate") {
		t.Fatalf("expected the mismatch diagnostic:\n%s", diag)
	}
	ws.setVars(rotated.Vars)
	step("destroy", 0, "destroy", "-input=false", "-auto-approve", "-no-color")

	for name, path := range map[string]string{
		"TRACE log":      logPath,
		"state file":     filepath.Join(dir, "terraform.tfstate"),
		"state backup":   filepath.Join(dir, "terraform.tfstate.backup"),
		"upload journal": filepath.Join(dir, ".terraform", "cfaop-upload-journal.json"),
	} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		outputs[name] = string(raw)
	}
	logText := outputs["TRACE log"]
	for _, want := range []string{"[TRACE]", "Cloudflare API request", "ApplyResourceChange", "sdk.framework"} {
		if !strings.Contains(logText, want) {
			t.Fatalf("the log holds no %q: are Terraform's, the framework's and the provider's TRACE logs all in it? (%d bytes)", want, len(logText))
		}
	}
	allKeys := append(append(append([]string{}, fx.Keys...), rotated.Keys...), stranger.KeyPEM)
	needles := secretNeedles(t, allKeys, lab.Token)
	found := scan(outputs, needles)
	size := 0
	for _, s := range outputs {
		size += len(s)
	}
	t.Logf("scanned %d sources (%d bytes, TRACE log %d bytes, %d lines) for %d needles from %d keys and the token: %d found",
		len(outputs), size, len(logText), strings.Count(logText, "\n"), len(needles), len(allKeys), len(found))
	if len(found) > 0 {
		t.Fatalf("secrets leaked:\n%s", strings.Join(found, "\n"))
	}
}

// withoutVariables drops the input variables from `terraform show -json`
// output of a saved plan.
func withoutVariables(t *testing.T, planJSON string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(planJSON), &doc); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	if _, ok := doc["resource_changes"]; !ok {
		t.Fatalf("plan JSON without resource_changes:\n%.500s", planJSON)
	}
	delete(doc, "variables")
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func cloneVars(v map[string]any) map[string]any {
	out := map[string]any{}
	for k, x := range v {
		if m, ok := x.(map[string]string); ok {
			c := map[string]string{}
			for a, b := range m {
				c[a] = b
			}
			x = c
		}
		out[k] = x
	}
	return out
}

// The public half of a key is no secret: however a certificate's encoding of
// it lines up with the key's (the offset moves with the certificate's serial
// and names), no line of it reads as a leak, while the key itself still does.
func TestSecretNeedles_publicHalfIsNoLeak(t *testing.T) {
	t.Parallel()
	key, err := rsaKey(1)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := testcerts.Leaf(testcerts.WithKey(key))
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{pair.KeyPEM, testcerts.PKCS1(t, pair)}
	needles := secretNeedles(t, keys, "token")
	for _, k := range keys {
		if found := scan(map[string]string{"the key": k}, needles); len(found) == 0 {
			t.Fatal("the key itself is not found")
		}
	}
	public, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	// Every alignment of the public key in a PEM-wrapped encoding, as a
	// certificate holds it at some offset.
	for offset := range 48 {
		der := append(make([]byte, offset), public...)
		text := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		if found := scan(map[string]string{"certificate": text}, needles); len(found) > 0 {
			t.Fatalf("offset %d: the public key reads as a leak: %v", offset, found)
		}
	}
}
