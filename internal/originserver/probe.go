package originserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Probe is the outcome of a request made directly to an origin, the way an
// attacker who found the origin's address would make it.
type Probe struct {
	Status int    // HTTP status, 0 when there was no HTTP answer
	Body   string // at most 512 bytes
	Err    string // the transport or TLS error, if any
}

// String describes the outcome; an HTML error page is reduced to its title.
func (p Probe) String() string {
	if p.Err != "" {
		return "refused: " + p.Err
	}
	if i := strings.Index(p.Body, "<title>"); i >= 0 {
		if j := strings.Index(p.Body[i:], "</title>"); j > 0 {
			return fmt.Sprintf("HTTP %d %q", p.Status, p.Body[i+len("<title>"):i+j])
		}
	}
	return fmt.Sprintf("HTTP %d %q", p.Status, strings.TrimSpace(p.Body))
}

// Direct requests https://hostname/ from addr with SNI hostname, presenting
// clientCert when it is not nil.
func Direct(ctx context.Context, addr, hostname string, clientCert *tls.Certificate) Probe {
	return DirectFrom(ctx, "", addr, hostname, clientCert)
}

// DirectFrom is Direct from the local IP address localIP (any when ""),
// e.g. 127.0.0.2 to be a client outside an allow list of 127.0.0.1/32.
func DirectFrom(ctx context.Context, localIP, addr, hostname string, clientCert *tls.Certificate) Probe {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if localIP != "" {
		ip := net.ParseIP(localIP)
		if ip == nil {
			return Probe{Err: fmt.Sprintf("invalid local address %q", localIP)}
		}
		dialer.LocalAddr = &net.TCPAddr{IP: ip}
	}
	cfg := &tls.Config{ServerName: hostname, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // the origin's own certificate is not what is tested
	if clientCert != nil {
		// Always send it: Go would otherwise withhold a certificate that the
		// server's list of acceptable CAs does not name, and the wrong-
		// certificate case would silently become the no-certificate case.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return clientCert, nil }
	}
	tr := &http.Transport{
		TLSClientConfig:   cfg,
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+hostname+"/", nil)
	if err != nil {
		return Probe{Err: err.Error()}
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return Probe{Err: err.Error()}
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return Probe{Status: resp.StatusCode, Body: string(body)}
}
