package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:8787": true, "localhost.": true, "app.localhost:80": true,
		"127.0.0.1": true, "127.0.0.1:8787": true, "127.1.2.3:1": true, "[::1]": true, "[::1]:8787": true,
		"": false, "example.com": false, "attacker.example:8787": false, "localhost.attacker.example": false,
		"notlocalhost": false, "10.0.0.1:8787": false, "0.0.0.0:8787": false, "[::]:8787": false,
		"192.168.1.10": false, "[2001:db8::1]:80": false, "127.0.0.1.nip.io": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %t, want %t", host, got, want)
		}
	}
}

// A request that reaches the emulator under another name, as one sent by a
// browser after DNS rebinding does, is refused on every endpoint, even with
// the right token; loopback names are served.
func TestEmulator_refusesForeignHostHeaders(t *testing.T) {
	var logged []string
	s, base := startServer(t, Config{Logf: func(f string, a ...any) { logged = append(logged, f) }})
	root := strings.TrimSuffix(base, APIPrefix)
	get := func(path, host string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, root+path, nil)
		req.Host = host
		req.Header.Set("Authorization", "Bearer "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	for _, path := range []string{APIPrefix + "/zones", AdminPrefix + "state", CAPath} {
		for _, host := range []string{"rebind.attacker.example", "rebind.attacker.example:" + strings.Split(root, ":")[2], "192.0.2.7"} {
			status, body := get(path, host)
			var env struct {
				Success bool `json:"success"`
				Errors  []struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &env); err != nil || status != http.StatusMisdirectedRequest || env.Success ||
				len(env.Errors) != 1 || env.Errors[0].Code != codeMisdirected || !strings.Contains(env.Errors[0].Message, "loopback") {
				t.Fatalf("GET %s with Host %s: %d %s, want 421 with code %d", path, host, status, body, codeMisdirected)
			}
		}
		for _, host := range []string{strings.TrimPrefix(root, "http://"), "localhost", "app.localhost:1234", "[::1]:8787"} {
			if status, body := get(path, host); status != http.StatusOK {
				t.Fatalf("GET %s with Host %s: %d %s, want 200", path, host, status, body)
			}
		}
	}
	if len(logged) == 0 || !strings.Contains(strings.Join(logged, "\n"), "refused") {
		t.Fatalf("refusals are not logged: %q", logged)
	}
}

// httptest servers (127.0.0.1) keep working through Handler.
func TestEmulator_handlerServesLoopbackTestServers(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + CAPath)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET CA through httptest: %d", resp.StatusCode)
	}
}
