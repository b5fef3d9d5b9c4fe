package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfreference"
)

// specPath names the reference OpenAPI file (embedded by cfreference) in messages.
const specPath = cfreference.OpenAPIName

// openAPI is a minimal OpenAPI 3.0 response checker: it resolves $ref and
// allOf, checks anyOf, properties (no unknown fields where a schema lists
// properties), required, type, enum, nullable, items and format date-time.
// It deliberately ignores maxLength: the spec's generic "identifier" has
// maxLength 32, yet certificate IDs are 36-character UUIDs in the real API
// (and in the spec's own cert_id example).
type openAPI struct {
	doc map[string]any
}

var (
	specOnce sync.Once
	specDoc  *openAPI
	specErr  error
)

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	specOnce.Do(func() {
		var doc map[string]any
		if err := json.Unmarshal(cfreference.OpenAPI, &doc); err != nil {
			specErr = fmt.Errorf("parsing %s: %v", specPath, err)
			return
		}
		specDoc = &openAPI{doc: doc}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specDoc
}

func (o *openAPI) lookup(ref string) map[string]any {
	if !strings.HasPrefix(ref, "#/") {
		panic("unsupported $ref " + ref)
	}
	var cur any = o.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			panic("unresolvable $ref " + ref)
		}
		cur = m[part]
	}
	m, ok := cur.(map[string]any)
	if !ok {
		panic("unresolvable $ref " + ref)
	}
	return m
}

func (o *openAPI) schema(name string) map[string]any {
	return o.lookup("#/components/schemas/" + name)
}

func (o *openAPI) deref(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = o.lookup(ref)
	}
}

// flatten returns s and, recursively, its allOf members, dereferenced.
func (o *openAPI) flatten(s map[string]any) []map[string]any {
	s = o.deref(s)
	out := []map[string]any{s}
	if all, ok := s["allOf"].([]any); ok {
		for _, m := range all {
			out = append(out, o.flatten(m.(map[string]any))...)
		}
	}
	return out
}

// operations lists "METHOD /path" of every operation in the spec.
func (o *openAPI) operations() []string {
	var ops []string
	for p, item := range o.doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			switch m {
			case "get", "put", "post", "patch", "delete":
				ops = append(ops, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(ops)
	return ops
}

// responseSchema returns the JSON schema of the answer to method on the
// spec path template for the HTTP status. For errors the spec combines the
// success envelope (success: enum [true]) and the failure envelope
// (success: enum [false]) with allOf, which no answer can satisfy; the
// failure member alone is used then.
func (o *openAPI) responseSchema(method, template string, status int) (map[string]any, error) {
	item, ok := o.doc["paths"].(map[string]any)[template].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("path %s is not in the spec", template)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s is not in the spec", method, template)
	}
	responses := op["responses"].(map[string]any)
	key := fmt.Sprint(status)
	if _, ok := responses[key]; !ok {
		key = fmt.Sprintf("%dXX", status/100)
	}
	if status >= 200 && status < 300 {
		if _, ok := responses[key]; !ok {
			key = "200"
		}
	}
	resp, ok := responses[key].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s has no response for HTTP %d", method, template, status)
	}
	s := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if status >= 400 {
		if all, ok := s["allOf"].([]any); ok {
			for _, m := range all {
				if ref, _ := m.(map[string]any)["$ref"].(string); strings.HasSuffix(ref, "api-response-common-failure") {
					return o.deref(m.(map[string]any)), nil
				}
			}
		}
	}
	return s, nil
}

// validate checks v against s and returns the problems found.
func (o *openAPI) validate(s map[string]any, v any) []string {
	var errs []string
	o.check("$", s, v, &errs)
	return errs
}

func (o *openAPI) check(at string, s map[string]any, v any, errs *[]string) {
	addf := func(format string, args ...any) {
		*errs = append(*errs, at+": "+fmt.Sprintf(format, args...))
	}
	flat := o.flatten(s)
	if v == nil {
		constrained := false
		for _, f := range flat {
			if f["nullable"] == true {
				return
			}
			for _, k := range []string{"type", "properties", "enum", "items", "anyOf"} {
				if _, ok := f[k]; ok {
					constrained = true
				}
			}
		}
		if constrained {
			addf("null is not allowed")
		}
		return
	}
	for _, f := range flat {
		if typ, ok := f["type"].(string); ok && !typeMatches(typ, v) {
			addf("got %s, want %s", jsonKind(v), typ)
		}
		if enum, ok := f["enum"].([]any); ok {
			found := false
			for _, e := range enum {
				if reflect.DeepEqual(e, v) {
					found = true
				}
			}
			if !found {
				addf("%v is not one of %v", v, enum)
			}
		}
		if f["format"] == "date-time" {
			if str, ok := v.(string); ok {
				if _, err := time.Parse(time.RFC3339, str); err != nil {
					addf("%q is not an RFC 3339 date-time", str)
				}
			}
		}
		if anyOf, ok := f["anyOf"].([]any); ok {
			matched := false
			for _, m := range anyOf {
				var sub []string
				o.check(at, m.(map[string]any), v, &sub)
				if len(sub) == 0 {
					matched = true
					break
				}
			}
			if !matched {
				addf("matches none of the anyOf schemas")
			}
		}
		if items, ok := f["items"].(map[string]any); ok {
			if arr, ok := v.([]any); ok {
				for i, e := range arr {
					o.check(fmt.Sprintf("%s[%d]", at, i), items, e, errs)
				}
			}
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	props := map[string][]map[string]any{}
	for _, f := range flat {
		if ps, ok := f["properties"].(map[string]any); ok {
			for k, p := range ps {
				props[k] = append(props[k], p.(map[string]any))
			}
		}
		if req, ok := f["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					addf("required field %q is missing", r)
				}
			}
		}
	}
	for _, k := range sortedKeys(obj) {
		ps, known := props[k]
		if !known && len(props) > 0 {
			addf("field %q is not in the schema", k)
			continue
		}
		for _, p := range ps {
			o.check(at+"."+k, p, obj[k], errs)
		}
	}
}

func typeMatches(typ string, v any) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// Fixtures in testdata/ describe expected shapes by example: objects must
// have exactly the listed keys; arrays list one element shape (an empty
// array must be empty); JSON literals (true, false, null, numbers) must be
// equal; strings are type descriptors, alternatives separated by "|":
// string, integer, number, boolean, null, object, array, any, date-time,
// uuid (v4), zone-id (32 hex), pem-certificate, status (an OpenAPI status
// value), or "=literal" for an exact string.
func checkFixture(t *testing.T, name string, got any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	var want any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	var errs []string
	matchFixture("$", want, got, &errs)
	if len(errs) > 0 {
		t.Errorf("answer does not match fixture %s:\n  %s", name, strings.Join(errs, "\n  "))
	}
}

var (
	uuidV4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	hex32RE  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	statuses = []string{"initializing", "pending_deployment", "pending_deletion", "active", "deleted", "deployment_timed_out", "deletion_timed_out"}
)

func matchFixture(at string, want, got any, errs *[]string) {
	addf := func(format string, args ...any) {
		*errs = append(*errs, at+": "+fmt.Sprintf(format, args...))
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			addf("got %s, want object", jsonKind(got))
			return
		}
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				addf("missing field %q", k)
			}
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				addf("unexpected field %q", k)
				continue
			}
			matchFixture(at+"."+k, w[k], g[k], errs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			addf("got %s, want array", jsonKind(got))
			return
		}
		if len(w) == 0 && len(g) > 0 {
			addf("want an empty array, got %d elements", len(g))
		}
		for i, e := range g {
			if len(w) > 0 {
				matchFixture(fmt.Sprintf("%s[%d]", at, i), w[0], e, errs)
			}
		}
	case string:
		for _, alt := range strings.Split(w, "|") {
			if matchDescriptor(alt, got) {
				return
			}
		}
		addf("%s %v does not match %q", jsonKind(got), got, w)
	default:
		if !reflect.DeepEqual(want, got) {
			addf("got %v, want %v", got, want)
		}
	}
}

func matchDescriptor(d string, v any) bool {
	str, isStr := v.(string)
	switch {
	case strings.HasPrefix(d, "="):
		return isStr && str == d[1:]
	case d == "any":
		return true
	case d == "null":
		return v == nil
	case d == "date-time":
		_, err := time.Parse(time.RFC3339, str)
		return isStr && err == nil
	case d == "uuid":
		return isStr && uuidV4RE.MatchString(str)
	case d == "zone-id":
		return isStr && hex32RE.MatchString(str)
	case d == "pem-certificate":
		_, err := parseSingleCertificate(str)
		return isStr && err == nil
	case d == "status":
		for _, s := range statuses {
			if str == s {
				return isStr
			}
		}
		return false
	default:
		return typeMatches(d, v)
	}
}

// TestEmulator_SchemaChecker makes sure the checker itself rejects what it
// should, so a passing conformance test means something.
func TestEmulator_SchemaChecker(t *testing.T) {
	t.Parallel()
	o := loadOpenAPI(t)
	s, err := o.responseSchema("GET", "/zones/{zone_id}/origin_tls_client_auth/hostnames/certificates/{certificate_id}", 200)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{
		"success": true, "errors": []any{}, "messages": []any{},
		"result": map[string]any{"id": "x", "status": "active", "expires_on": "2030-01-01T00:00:00Z"},
	}
	if errs := o.validate(s, good); len(errs) > 0 {
		t.Fatalf("valid answer rejected: %v", errs)
	}
	bad := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"unknown field", func(m map[string]any) { m["result"].(map[string]any)["private_key"] = "k" }, `field "private_key" is not in the schema`},
		{"bad enum", func(m map[string]any) { m["result"].(map[string]any)["status"] = "live" }, "is not one of"},
		{"bad date", func(m map[string]any) { m["result"].(map[string]any)["expires_on"] = "2030-01-01" }, "not an RFC 3339"},
		{"bad type", func(m map[string]any) { m["result"].(map[string]any)["id"] = 7.0 }, "want string"},
		{"missing required", func(m map[string]any) { delete(m, "messages") }, `required field "messages"`},
		{"success false", func(m map[string]any) { m["success"] = false }, "is not one of"},
		{"null result", func(m map[string]any) { m["result"] = nil }, "null is not allowed"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			raw, _ := json.Marshal(good)
			_ = json.Unmarshal(raw, &m)
			tc.mutate(m)
			errs := o.validate(s, m)
			if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, errs)
			}
		})
	}

	// Fixture matching.
	var errs []string
	matchFixture("$", map[string]any{"a": "uuid", "b": "boolean|null", "c": []any{"integer"}},
		map[string]any{"a": "nope", "b": "x", "c": []any{1.5}, "d": 1.0}, &errs)
	if len(errs) != 4 {
		t.Fatalf("want 4 fixture mismatches, got %d: %v", len(errs), errs)
	}
}
