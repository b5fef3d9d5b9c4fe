// Package originserver runs a real nginx or Apache on loopback as a
// Cloudflare origin, from configuration rendered by the origin modules, so the
// end-to-end tests and the demo can prove that an origin refuses everyone but
// Cloudflare's authenticated pulls.
package originserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Kind is the web server to run.
type Kind string

const (
	Nginx  Kind = "nginx"
	Apache Kind = "apache"
)

// Binaries as Debian installs them (nginx-light, apache2).
var binaries = map[Kind]string{Nginx: "/usr/sbin/nginx", Apache: "/usr/sbin/apache2"}

// ErrNotInstalled says which package to install.
var ErrNotInstalled = errors.New("not installed: run `make origin-deps` (apt-get install nginx-light apache2)")

// Installed reports whether the server's binary exists.
func Installed(k Kind) error {
	if _, err := os.Stat(binaries[k]); err != nil {
		return fmt.Errorf("%s %w", k, ErrNotInstalled)
	}
	return nil
}

// Server is a running web server.
type Server struct {
	Kind Kind
	Dir  string
	Addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	done chan error
}

// Site is what a server block or virtual host needs besides its own text.
type Site struct {
	// Config is the server block (nginx) or <VirtualHost> (Apache) rendered by the module.
	Config string
	// Files are written into the server's directory before it starts
	// (certificates, keys, the trust bundle), name -> content.
	Files map[string]string
}

// Start writes the main configuration around site into dir and starts the
// server in the foreground on 127.0.0.1:port. It returns once the server
// listens there: a port that answers is not enough, since another process may
// have bound it after it was chosen, and then this server exits at start.
func Start(ctx context.Context, k Kind, dir string, port int, site Site) (*Server, error) {
	if err := Installed(k); err != nil {
		return nil, err
	}
	for name, content := range site.Files {
		// The servers read keys as root before dropping privileges; other
		// files are served or read by the unprivileged workers.
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".key") {
			mode = 0o600
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), mode); err != nil {
			return nil, err
		}
	}
	if err := makeTraversable(dir); err != nil {
		return nil, err
	}
	s := &Server{Kind: k, Dir: dir, Addr: fmt.Sprintf("127.0.0.1:%d", port), done: make(chan error, 1)}
	var args []string
	switch k {
	case Nginx:
		conf := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(conf, []byte(nginxMain(dir, site.Config)), 0o644); err != nil {
			return nil, err
		}
		args = []string{"-c", conf, "-p", dir, "-e", filepath.Join(dir, "error.log")}
	case Apache:
		conf := filepath.Join(dir, "apache2.conf")
		if err := os.WriteFile(conf, []byte(apacheMain(dir, port, site.Config)), 0o644); err != nil {
			return nil, err
		}
		args = []string{"-f", conf, "-DFOREGROUND"}
	}
	s.cmd = exec.Command(binaries[k], args...)
	s.cmd.Dir = dir
	out, err := os.Create(filepath.Join(dir, "server.out"))
	if err != nil {
		return nil, err
	}
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", k, err)
	}
	go func() { s.done <- s.cmd.Wait(); _ = out.Close() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("%s exited at start (%v): %s", k, err, s.Log())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			if ours, err := listensOn(s.cmd.Process.Pid, port); ours || errors.Is(err, errUnknownOwner) {
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = s.Stop()
			return nil, fmt.Errorf("%s did not listen on %s: %s", k, s.Addr, s.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the server and waits for it.
func (s *Server) Stop() error {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		return stopped(err)
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		return stopped(<-s.done)
	}
}

// stopped keeps a real failure and drops the exit caused by our own signal.
func stopped(err error) error {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && !exitErr.Exited() {
		return nil // ended by the signal we sent
	}
	return err
}

// Log returns the server's error log and console output, for failure messages.
func (s *Server) Log() string {
	var b strings.Builder
	for _, name := range []string{"error.log", "server.out"} {
		if data, err := os.ReadFile(filepath.Join(s.Dir, name)); err == nil && len(data) > 0 {
			fmt.Fprintf(&b, "--- %s\n%s", name, tail(string(data), 2000))
		}
	}
	return b.String()
}

// makeTraversable lets the workers (www-data, nobody) reach files in dir,
// which test and demo temp directories create as 0700.
func makeTraversable(dir string) error {
	tmp := filepath.Clean(os.TempDir()) + string(filepath.Separator)
	for d := filepath.Clean(dir); strings.HasPrefix(d, tmp); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func nginxMain(dir, site string) string {
	return fmt.Sprintf(`# generated by internal/originserver
daemon off;
master_process on;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    default_type text/plain;
%[2]s
}
`, dir, site)
}

func apacheMain(dir string, port int, site string) string {
	mods := "/usr/lib/apache2/modules"
	return fmt.Sprintf(`# generated by internal/originserver
ServerRoot "%[1]s"
PidFile "%[1]s/apache2.pid"
ErrorLog "%[1]s/error.log"
LogLevel info ssl:info
Mutex file:%[1]s default
DefaultRuntimeDir "%[1]s"
ServerName 127.0.0.1
User www-data
Group www-data
LoadModule mpm_event_module %[2]s/mod_mpm_event.so
LoadModule authz_core_module %[2]s/mod_authz_core.so
LoadModule authz_host_module %[2]s/mod_authz_host.so
LoadModule headers_module %[2]s/mod_headers.so
LoadModule dir_module %[2]s/mod_dir.so
LoadModule mime_module %[2]s/mod_mime.so
LoadModule socache_shmcb_module %[2]s/mod_socache_shmcb.so
LoadModule ssl_module %[2]s/mod_ssl.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
SSLSessionCache "shmcb:%[1]s/ssl_scache(512000)"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Listen 127.0.0.1:%[3]d
%[4]s
`, dir, mods, port, site)
}
