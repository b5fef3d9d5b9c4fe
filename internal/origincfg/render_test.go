package origincfg_test

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/origincfg"
)

func TestCheckCAFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		wantText string // in the error; "" when the path is valid
	}{
		{"nginx default", "/etc/nginx/cloudflare-aop-ca.pem", ""},
		{"apache default", "/etc/apache2/ssl/cloudflare_origin_pull_ca.pem", ""},
		{"punctuation allowed", "/srv/certs/ca+v2@2024,id=1~.crt", ""},
		{"non-ASCII letters", "/srv/zertifikate/größe/ca.pem", ""},
		{"windows drive", "C:/nginx/conf/ca.pem", ""},
		{"windows lower-case drive", "d:/Apache24/conf/ca.pem", ""},
		{"empty", "", "The path is empty"},
		{"relative", "ca.pem", "not an absolute path"},
		{"dot relative", "./ca.pem", "not an absolute path"},
		{"home relative", "~/ca.pem", "not an absolute path"},
		{"drive without slash", "C:ca.pem", "not an absolute path"},
		{"windows backslashes", `C:\nginx\ca.pem`, "not an absolute path"},
		{"backslash", `/etc/nginx\ca.pem`, `'\\'`},
		{"root", "/", "names a directory"},
		{"directory", "/etc/nginx/", "names a directory"},
		{"space", "/etc/my certs/ca.pem", "' '"},
		{"tab", "/etc/ca.pem\tx", `'\t'`},
		{"semicolon injection", "/etc/ca.pem; ssl_verify_client off", "';'"},
		{"newline injection", "/etc/ca.pem\nssl_verify_client off", `'\n'`},
		{"carriage return", "/etc/ca.pem\r", `'\r'`},
		{"unicode line separator", "/etc/ca.pem\u2028SSLVerifyClient none", `'\u2028'`},
		{"double quote breaks Apache quoting", `/etc/ca.pem" SSLVerifyClient none "`, `'"'`},
		{"single quote", "/etc/ca'.pem", `'\''`},
		{"opening brace", "/etc/ca.pem{", "'{'"},
		{"closing brace ends the server block", "/etc/ca.pem}", "'}'"},
		{"variable expansion", "/etc/${APACHE_LOG_DIR}/ca.pem", "'$'"},
		{"comment", "/etc/ca.pem#", "'#'"},
		{"apache section", "/etc/</VirtualHost>", "'<'"},
		{"NUL", "/etc/ca.pem\x00", `'\x00'`},
		{"invalid UTF-8", "/etc/\xff.pem", "not valid UTF-8"},
		{"too long", "/" + strings.Repeat("a", 4096), "at most 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := origincfg.CheckCAFile(tt.path)
			if tt.wantText == "" {
				if err != nil {
					t.Fatalf("CheckCAFile(%q) = %v, want nil", tt.path, err)
				}
				return
			}
			if !errors.Is(err, origincfg.ErrInvalidCAFile) {
				t.Fatalf("CheckCAFile(%q) = %v, want ErrInvalidCAFile", tt.path, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error %q contains a raw line break", err)
			}
		})
	}
}

func TestVerifyDepth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      *big.Float
		want    int
		wantErr bool
	}{
		{big.NewFloat(1), 1, false},
		{big.NewFloat(2), 2, false},
		{big.NewFloat(10), 10, false},
		{big.NewFloat(0), 0, true},
		{big.NewFloat(11), 0, true},
		{big.NewFloat(-1), 0, true},
		{big.NewFloat(1.5), 0, true},
		{big.NewFloat(1e30), 0, true},
		{big.NewFloat(math.Inf(1)), 0, true},
		{nil, 0, true},
	}
	for _, tt := range tests {
		name := "nil"
		if tt.in != nil {
			name = tt.in.String()
		}
		t.Run(name, func(t *testing.T) {
			got, err := origincfg.VerifyDepth(tt.in)
			if tt.wantErr {
				if !errors.Is(err, origincfg.ErrInvalidVerifyDepth) {
					t.Fatalf("error = %v, want ErrInvalidVerifyDepth", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("VerifyDepth = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestRenderers(t *testing.T) {
	t.Parallel()
	const caFile = "/etc/ssl/cloudflare-aop-ca.pem"
	tests := []struct {
		name   string
		render func(string, int) (string, error)
		depth  int
		want   string
	}{
		{"nginx", origincfg.NginxClientAuth, 1, origincfg.GeneratedComment + "\n" +
			"ssl_client_certificate /etc/ssl/cloudflare-aop-ca.pem;\n" +
			"ssl_verify_client on;\n" +
			"ssl_verify_depth 1;\n"},
		{"nginx depth 3", origincfg.NginxClientAuth, 3, origincfg.GeneratedComment + "\n" +
			"ssl_client_certificate /etc/ssl/cloudflare-aop-ca.pem;\n" +
			"ssl_verify_client on;\n" +
			"ssl_verify_depth 3;\n"},
		{"apache", origincfg.ApacheClientAuth, 2, origincfg.GeneratedComment + "\n" +
			"SSLVerifyClient require\n" +
			"SSLCACertificateFile \"/etc/ssl/cloudflare-aop-ca.pem\"\n" +
			"SSLVerifyDepth 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.render(caFile, tt.depth)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRenderersRefuseBadArguments(t *testing.T) {
	t.Parallel()
	renderers := map[string]func(string, int) (string, error){
		"nginx":  origincfg.NginxClientAuth,
		"apache": origincfg.ApacheClientAuth,
	}
	tests := []struct {
		name    string
		caFile  string
		depth   int
		wantErr error
	}{
		{"injection", "/etc/ca.pem;\nssl_verify_client off", 1, origincfg.ErrInvalidCAFile},
		{"relative", "ca.pem", 1, origincfg.ErrInvalidCAFile},
		{"depth 0", "/etc/ca.pem", 0, origincfg.ErrInvalidVerifyDepth},
		{"depth 11", "/etc/ca.pem", 11, origincfg.ErrInvalidVerifyDepth},
	}
	for rname, render := range renderers {
		for _, tt := range tests {
			t.Run(rname+"/"+tt.name, func(t *testing.T) {
				got, err := render(tt.caFile, tt.depth)
				if !errors.Is(err, tt.wantErr) || got != "" {
					t.Fatalf("got %q, %v; want \"\", %v", got, err, tt.wantErr)
				}
			})
		}
	}
}

// FuzzCheckCAFile asserts that every accepted path renders as exactly the
// intended directives: one path token, no line breaks, nothing after it.
func FuzzCheckCAFile(f *testing.F) {
	for _, s := range []string{"/etc/ca.pem", "/etc/ca.pem;x", "/etc/a b", "C:/ca.pem", "/a\"b", "/a}\n{", "/ä/\u00a0", "/\u2028", "/a\u0085b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if origincfg.CheckCAFile(p) != nil {
			return
		}
		nginx, err := origincfg.NginxClientAuth(p, 1)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(nginx, "\n"), "\n")
		if len(lines) != 4 || lines[1] != "ssl_client_certificate "+p+";" || len(strings.Fields(lines[1])) != 2 ||
			strings.Count(lines[1], ";") != 1 {
			t.Fatalf("path %q renders as %q", p, nginx)
		}
		apache, err := origincfg.ApacheClientAuth(p, 1)
		if err != nil {
			t.Fatal(err)
		}
		lines = strings.Split(strings.TrimSuffix(apache, "\n"), "\n")
		if len(lines) != 4 || strings.Count(lines[2], `"`) != 2 || len(strings.Fields(lines[2])) != 2 {
			t.Fatalf("path %q renders as %q", p, apache)
		}
	})
}
