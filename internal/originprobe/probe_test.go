package originprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

const host = "app.example.com"

type origin struct {
	addr string
	ca   testcerts.Pair
}

// newOrigin serves over TLS with a certificate for host signed by its own
// CA; status is what it answers to a served request.
func newOrigin(t *testing.T, auth tls.ClientAuthType, maxVersion uint16, status int) origin {
	t.Helper()
	ca := testcerts.NewCA(t, "Origin Server CA")
	leaf := testcerts.NewLeaf(t, testcerts.WithIssuer(ca), testcerts.WithDNSNames(host), testcerts.WithEKU(x509.ExtKeyUsageServerAuth))
	clientCA := testcerts.NewCA(t, "Client CA")
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.Cert)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != host {
			http.Error(w, "wrong host "+r.Host, http.StatusMisdirectedRequest)
			return
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "ok")
	}))
	ts.TLS = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Cert.Raw, ca.Cert.Raw}, PrivateKey: leaf.Key}},
		ClientAuth:   auth, ClientCAs: pool, MinVersion: tls.VersionTLS12, MaxVersion: maxVersion,
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return origin{addr: ts.Listener.Addr().String(), ca: ca}
}

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name               string
		auth               tls.ClientAuthType
		version            uint16
		status             int
		requested, accepts bool
		wantStatus         int
		errHas             string
	}{
		{"locked, TLS 1.2", tls.RequireAndVerifyClientCert, tls.VersionTLS12, 200, true, false, 0, "TLS handshake: remote error: tls:"},
		{"locked, TLS 1.3", tls.RequireAndVerifyClientCert, tls.VersionTLS13, 200, true, false, 0, "request: remote error: tls: certificate required"},
		{"open", tls.NoClientCert, 0, 200, false, true, 200, ""},
		{"optional (staged rollout)", tls.VerifyClientCertIfGiven, 0, 200, true, true, 200, ""},
		{"refusal answered with 400, like nginx", tls.VerifyClientCertIfGiven, 0, 400, true, false, 400, ""},
		{"app's 404 is still served", tls.NoClientCert, 0, 404, false, true, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrigin(t, tc.auth, tc.version, tc.status)
			pool := x509.NewCertPool()
			pool.AddCert(o.ca.Cert)
			got := Run(context.Background(), Options{Address: o.addr, Hostname: host, Roots: pool})
			if !got.Reachable || got.ClientCertificateRequested != tc.requested || got.AcceptsWithoutClientCertificate != tc.accepts ||
				got.HTTPStatus != tc.wantStatus || (tc.errHas == "") != (got.Error == "") || !strings.Contains(got.Error, tc.errHas) {
				t.Fatalf("Run = %+v", got)
			}
			if !got.ServerCertificateValid || got.ServerCertificate == nil || got.ServerCertificate.DNSNames[0] != host || len(got.ServerCertificateSHA256) != 64 {
				t.Fatalf("server certificate not recorded as valid: %+v", got)
			}
		})
	}
}

func TestRun_serverCertificateChecks(t *testing.T) {
	o := newOrigin(t, tls.NoClientCert, 0, 200)
	pool := x509.NewCertPool()
	pool.AddCert(o.ca.Cert)
	got := Run(context.Background(), Options{Address: o.addr, Hostname: "other.example.com", Roots: pool})
	if got.ServerCertificateValid || !strings.Contains(got.ServerCertificateError, "not other.example.com") {
		t.Fatalf("wrong hostname: %+v", got)
	}
	got = Run(context.Background(), Options{Address: o.addr, Hostname: host, Roots: x509.NewCertPool()})
	if got.ServerCertificateValid || !strings.Contains(got.ServerCertificateError, "unknown authority") || got.HTTPStatus != 200 {
		t.Fatalf("untrusted CA: %+v", got)
	}
}

func TestRun_unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	if got := Run(context.Background(), Options{Address: closed, Hostname: host}); got.Reachable || !strings.Contains(got.Error, "connect:") {
		t.Fatalf("closed port: %+v", got)
	}

	// A silent origin costs the timeout, not more.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	start := time.Now()
	got := Run(context.Background(), Options{Address: silent.Addr().String(), Hostname: host, Timeout: 300 * time.Millisecond})
	if !got.Reachable || got.Error == "" || time.Since(start) > 5*time.Second {
		t.Fatalf("silent origin after %s: %+v", time.Since(start), got)
	}
}
