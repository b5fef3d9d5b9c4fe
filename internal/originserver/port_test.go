package originserver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// FreePort stays below the ephemeral range, from which any listener on port
// 0 gets its port, and never hands out a port twice.
func TestFreePort_belowTheEphemeralRangeAndNeverTwice(t *testing.T) {
	low := ephemeralLow()
	if low <= lowestPort+1000 {
		t.Skipf("the ephemeral range starts at %d: no room below it", low)
	}
	seen := map[int]bool{}
	for range 50 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if port < lowestPort || port >= low {
			t.Errorf("port %d is outside [%d, %d)", port, lowestPort, low)
		}
		if seen[port] {
			t.Errorf("port %d handed out twice", port)
		}
		seen[port] = true
	}
}

// A port another process took after it was chosen: Start must not take that
// process's answers for the server's, which cannot bind the port.
func TestStart_portTakenByAnotherProcessIsAnError(t *testing.T) {
	for _, k := range []Kind{Nginx, Apache} {
		t.Run(string(k), func(t *testing.T) {
			requireInstalled(t, k)
			port, err := FreePort()
			if err != nil {
				t.Fatal(err)
			}
			l, err := net.Listen("tcp", "127.0.0.1:"+itoa(port))
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("not the origin\n")) })}
			go func() { _ = srv.Serve(l) }()
			defer func() { _ = srv.Close() }()

			dir := t.TempDir()
			site := "server {\n    listen 127.0.0.1:" + itoa(port) + ";\n    location / { return 200 \"origin\\n\"; }\n}"
			if k == Apache {
				site = "<VirtualHost 127.0.0.1:" + itoa(port) + ">\n    DocumentRoot \"" + dir + "\"\n</VirtualHost>"
			}
			s, err := Start(context.Background(), k, dir, port, Site{Config: site})
			if err == nil {
				_ = s.Stop()
				t.Fatalf("Start succeeded on port %d, which another process holds", port)
			}
			if !strings.Contains(err.Error(), "exited at start") {
				t.Errorf("Start: %v; want the server's exit at start", err)
			}
		})
	}
}
