package originserver

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// requireInstalled fails when the servers should be there (make test
// installs them and sets CFAOP_REQUIRE_ORIGINS) and skips otherwise.
func requireInstalled(t *testing.T, k Kind) {
	t.Helper()
	if err := Installed(k); err != nil {
		if os.Getenv("CFAOP_REQUIRE_ORIGINS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func tlsCert(t *testing.T, p testcerts.Pair) *tls.Certificate {
	c, err := tls.X509KeyPair([]byte(p.CertPEM), []byte(p.KeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// Both servers, configured by hand the way the modules render them, refuse
// a client without a certificate or with a foreign one and serve a trusted one.
func TestServers_requireClientCertificates(t *testing.T) {
	ca := testcerts.NewCA(t, "Origin Pull Test CA")
	trusted := testcerts.NewLeaf(t, testcerts.WithIssuer(ca))
	foreign := testcerts.NewLeaf(t)
	serverCert := testcerts.NewLeaf(t, testcerts.WithCN("app.example.com"))
	for _, k := range []Kind{Nginx, Apache} {
		t.Run(string(k), func(t *testing.T) {
			requireInstalled(t, k)
			dir := t.TempDir()
			port, err := FreePort()
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{"server.pem": serverCert.CertPEM, "server.key": serverCert.KeyPEM, "ca.pem": ca.CertPEM, "index.html": "ok\n"}
			var site string
			if k == Nginx {
				site = `server {
    listen 127.0.0.1:` + itoa(port) + ` ssl;
    server_name app.example.com;
    ssl_certificate ` + filepath.Join(dir, "server.pem") + `;
    ssl_certificate_key ` + filepath.Join(dir, "server.key") + `;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_client_certificate ` + filepath.Join(dir, "ca.pem") + `;
    ssl_verify_client on;
    ssl_verify_depth 2;
    location / { return 200 "ok\n"; }
}`
			} else {
				site = `<VirtualHost 127.0.0.1:` + itoa(port) + `>
    ServerName app.example.com
    DocumentRoot "` + dir + `"
    SSLEngine on
    SSLCertificateFile "` + filepath.Join(dir, "server.pem") + `"
    SSLCertificateKeyFile "` + filepath.Join(dir, "server.key") + `"
    SSLVerifyClient require
    SSLCACertificateFile "` + filepath.Join(dir, "ca.pem") + `"
    SSLVerifyDepth 2
    <Directory "` + dir + `">
        Require all granted
    </Directory>
</VirtualHost>`
			}
			s, err := Start(context.Background(), k, dir, port, Site{Config: site, Files: files})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Stop() })
			ctx := context.Background()
			none := Direct(ctx, s.Addr, "app.example.com", nil)
			wrong := Direct(ctx, s.Addr, "app.example.com", tlsCert(t, foreign))
			good := Direct(ctx, s.Addr, "app.example.com", tlsCert(t, trusted))
			t.Logf("%s: no certificate: %s; foreign certificate: %s; trusted: %s", k, none, wrong, good)
			if good.Status != 200 || !strings.Contains(good.Body, "ok") {
				t.Fatalf("trusted client: %s\n%s", good, s.Log())
			}
			if none.Status == 200 || wrong.Status == 200 {
				t.Fatalf("refusal expected: none=%s wrong=%s", none, wrong)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
