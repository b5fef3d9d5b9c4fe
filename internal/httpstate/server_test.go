package httpstate

import (
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// A lock excludes other lockers and writers until it is released, by its
// holder or by the end of the run.
func TestServer_locking(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	state, lock := s.url+"/state/w", s.url+"/lock/w"
	steps := []struct {
		method, url, body string
		want              int
	}{
		{http.MethodGet, state, "", http.StatusNoContent},
		{"LOCK", lock, `{"ID":"a","Operation":"OperationTypeApply"}`, http.StatusOK},
		{"LOCK", lock, `{"ID":"b","Operation":"OperationTypePlan"}`, http.StatusLocked},
		{http.MethodPost, state + "?ID=b", `{"serial":1}`, http.StatusLocked},
		{http.MethodPost, state + "?ID=a", `{"serial":1}`, http.StatusOK},
		{"UNLOCK", lock, `{"ID":"b"}`, http.StatusLocked},
		{"UNLOCK", lock, `{"ID":"a"}`, http.StatusOK},
		{"LOCK", lock, `{"ID":"c","Operation":"OperationTypeApply"}`, http.StatusOK},
	}
	for i, st := range steps {
		if got := do(t, st.method, st.url, st.body); got != st.want {
			t.Fatalf("step %d: %s %s: %d, want %d", i, st.method, st.url, got, st.want)
		}
	}
	if got := string(s.State("w")); got != `{"serial":1}` {
		t.Errorf("state %q", got)
	}
	if s.Locked("w") != "OperationTypeApply" || !s.EndRun("w") || s.Locked("w") != "" {
		t.Error("EndRun did not release the lock of the killed run")
	}
	if got := do(t, "LOCK", lock, `{"ID":"d"}`); got != http.StatusOK {
		t.Errorf("lock after EndRun: %d", got)
	}
}
