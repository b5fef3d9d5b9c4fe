package pemcert_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
	"github.com/cfaop/terraform-provider-cfaop/internal/testcerts"
)

// want is the finding a case expects. Detail is checked by substrings so that
// wording can be polished without touching every case.
type want struct {
	code     string
	summary  string
	severity pemcert.Severity
	detail   []string
}

func checkFindings(t *testing.T, input string, got []pemcert.Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d findings %v, want %d", len(got), codes(got), len(wants))
	}
	for i, w := range wants {
		f := got[i]
		if f.Code != w.code || f.Summary != w.summary || f.Severity != w.severity {
			t.Errorf("finding %d = {%s %q %v}, want {%s %q %v}", i, f.Code, f.Summary, f.Severity, w.code, w.summary, w.severity)
		}
		for _, s := range w.detail {
			if !strings.Contains(f.Detail, s) {
				t.Errorf("finding %s detail lacks %q:\n%s", f.Code, s, f.Detail)
			}
		}
	}
	assertNoPEMBody(t, input, got)
}

func codes(fs []pemcert.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func invalidCert(detail ...string) want {
	return want{pemcert.CodeNotPEM, pemcert.SummaryInvalidCertificatePEM, pemcert.SeverityError, detail}
}

func TestCheckCertificate(t *testing.T) {
	t.Parallel()
	now := time.Now()
	day := 24 * time.Hour
	warn := 30 * day
	leaf := ecLeaf()
	window := func(from, to time.Duration) testcerts.Option {
		return testcerts.WithValidity(now.Add(from), now.Add(to))
	}
	expired := testcerts.NewLeaf(t, window(-400*day, -2*day))
	notYet := testcerts.NewLeaf(t, window(3*day, 400*day))
	soon := testcerts.NewLeaf(t, window(-day, 10*day+time.Hour))
	oneDay := testcerts.NewLeaf(t, window(-day, day+time.Hour))
	hours := testcerts.NewLeaf(t, window(-day, 5*time.Hour))
	caExpired := testcerts.NewLeaf(t, testcerts.WithIsCA(), testcerts.WithCN("Old CA"), window(-400*day, -day))
	serverOnly := testcerts.NewLeaf(t, testcerts.WithEKU(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning))
	expiredServer := testcerts.NewLeaf(t, testcerts.WithEKU(x509.ExtKeyUsageServerAuth), window(-400*day, -day))
	date := func(p testcerts.Pair, notAfter bool) string {
		if notAfter {
			return p.Cert.NotAfter.UTC().Format(time.RFC3339)
		}
		return p.Cert.NotBefore.UTC().Format(time.RFC3339)
	}
	unparsable := strings.Split(leaf.CertPEM, "\n")
	unparsable = append(unparsable[:3], unparsable[5:]...) // lose two body lines

	tests := []struct {
		name       string
		in         string
		warnWithin time.Duration
		want       []want
	}{
		{"valid leaf", leaf.CertPEM, warn, nil},
		{"valid leaf issued by a CA", issued().CertPEM, warn, nil},
		{"valid reformatted", withCRLF(indented(leaf.CertPEM, "  ")), warn, nil},
		{"rsa", rsaLeaf().CertPEM, warn, nil},
		{"ed25519", edLeaf().CertPEM, warn, nil},
		{"no eku", testcerts.NewLeaf(t, testcerts.WithNoEKU()).CertPEM, warn, nil},
		{"eku any", testcerts.NewLeaf(t, testcerts.WithEKU(x509.ExtKeyUsageAny)).CertPEM, warn, nil},
		{"eku server and client", testcerts.NewLeaf(t, testcerts.WithEKU(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)).CertPEM, warn, nil},

		{"empty", "", warn, []want{invalidCert("is empty")}},
		{"whitespace", " \n\t\r\n", warn, []want{invalidCert("is empty")}},
		{"garbage", "hello world", warn, []want{invalidCert("No PEM block", "BEGIN CERTIFICATE", "openssl x509 -inform der")}},
		{"escaped newlines", strings.ReplaceAll(leaf.CertPEM, "\n", `\n`), warn, []want{invalidCert(`literal "\n"`, "file(")}},
		{"file name", "./certs/client.pem", warn, []want{invalidCert("looks like a file name", "file(")}},
		{"missing end line", strings.Split(leaf.CertPEM, "-----END")[0], warn, []want{invalidCert("No PEM block")}},
		{"pkcs8 key pasted", leaf.KeyPEM, warn, []want{invalidCert("Found a private key", `"PRIVATE KEY"`, "where the certificate was expected", "private key argument")}},
		{"pkcs1 key pasted", testcerts.PKCS1(t, rsaLeaf()), warn, []want{invalidCert("Found a private key", `"RSA PRIVATE KEY"`)}},
		{"encrypted key pasted", testcerts.Encrypted(t, leaf), warn, []want{invalidCert("Found a private key", `"EC PRIVATE KEY"`)}},
		{"certificate and key", leaf.CertPEM + leaf.KeyPEM, warn, []want{invalidCert("contains a private key", "plan output", "state")}},
		{"key and certificate", leaf.KeyPEM + leaf.CertPEM, warn, []want{invalidCert("contains a private key")}},
		{"public key", encodePEM("PUBLIC KEY", []byte{1, 2, 3}), warn, []want{invalidCert(`No CERTIFICATE PEM block was found (found "PUBLIC KEY")`)}},
		{"corrupt certificate", encodePEM("CERTIFICATE", []byte("not DER at all")), warn, []want{invalidCert("not a valid X.509 certificate", "x509:")}},
		{"lost lines", strings.Join(unparsable, "\n"), warn, []want{invalidCert("not a valid X.509 certificate", "truncated")}},

		{"chain", testcerts.Chain(issued(), ca()), warn, []want{{pemcert.CodeMultipleCertificates, pemcert.SummaryCertificateChain, pemcert.SeverityError,
			[]string{"Found 2 certificates", "1. \"CN=issued.example.com", "2. \"CN=Example Origin Pull CA", "exactly one leaf", "intermediate and CA"}}}},
		{"two leaves", leaf.CertPEM + ecOther().CertPEM, warn, []want{{pemcert.CodeMultipleCertificates, pemcert.SummaryCertificateChain, pemcert.SeverityError,
			[]string{"Found 2 certificates"}}}},
		{"chain with a corrupt block", leaf.CertPEM + encodePEM("CERTIFICATE", []byte{0x30}), warn, []want{{pemcert.CodeMultipleCertificates, pemcert.SummaryCertificateChain, pemcert.SeverityError,
			[]string{"2. (not a valid certificate)"}}}},

		{"ca", ca().CertPEM, warn, []want{{pemcert.CodeCACertificate, pemcert.SummaryCACertificate, pemcert.SeverityError,
			[]string{"CN=Example Origin Pull CA", pemcert.SHA256Fingerprint(ca().Cert), "CA:TRUE", "1412", `"Only leaf certificate is allowed."`, "signed by this CA", "origin"}}}},
		{"expired", expired.CertPEM, warn, []want{{pemcert.CodeExpired, pemcert.SummaryExpired, pemcert.SeverityError,
			[]string{`"CN=client.example.com,O=cfaop test"`, "expired on " + date(expired, true), "Issue a new certificate"}}}},
		{"expired, no warning window", expired.CertPEM, 0, []want{{pemcert.CodeExpired, pemcert.SummaryExpired, pemcert.SeverityError, nil}}},
		{"not yet valid", notYet.CertPEM, warn, []want{{pemcert.CodeNotYetValid, pemcert.SummaryNotYetValid, pemcert.SeverityError,
			[]string{"not valid until " + date(notYet, false), "clock"}}}},
		{"expires soon", soon.CertPEM, warn, []want{{pemcert.CodeExpiresSoon, pemcert.SummaryExpiresSoon, pemcert.SeverityWarning,
			[]string{"expires in 10 days, on " + date(soon, true), "Renew"}}}},
		{"expires in a day", oneDay.CertPEM, warn, []want{{pemcert.CodeExpiresSoon, pemcert.SummaryExpiresSoon, pemcert.SeverityWarning,
			[]string{"expires in 1 day, on"}}}},
		{"expires in hours", hours.CertPEM, warn, []want{{pemcert.CodeExpiresSoon, pemcert.SummaryExpiresSoon, pemcert.SeverityWarning,
			[]string{"expires in less than a day, on"}}}},
		{"expires soon, warning disabled", soon.CertPEM, 0, nil},
		{"expires soon, negative window", soon.CertPEM, -day, nil},
		{"expires after the window", soon.CertPEM, 5 * day, nil},
		{"server auth only", serverOnly.CertPEM, warn, []want{{pemcert.CodeEKUWithoutClientAuth, pemcert.SummaryEKUWithoutClientAuth, pemcert.SeverityWarning,
			[]string{"allows serverAuth, codeSigning but not clientAuth", "nginx and Apache", "extendedKeyUsage=clientAuth"}}}},
		{"expired ca", caExpired.CertPEM, warn, []want{
			{pemcert.CodeCACertificate, pemcert.SummaryCACertificate, pemcert.SeverityError, []string{"CN=Old CA"}},
			{pemcert.CodeExpired, pemcert.SummaryExpired, pemcert.SeverityError, nil},
		}},
		{"expired server certificate", expiredServer.CertPEM, warn, []want{
			{pemcert.CodeExpired, pemcert.SummaryExpired, pemcert.SeverityError, nil},
			{pemcert.CodeEKUWithoutClientAuth, pemcert.SummaryEKUWithoutClientAuth, pemcert.SeverityWarning, nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFindings(t, tt.in, pemcert.CheckCertificate(tt.in, now, tt.warnWithin), tt.want)
		})
	}
}

// TestCheckCertificateBoundaries pins the edges of the validity period: a
// certificate is valid at its NotBefore and NotAfter instants.
func TestCheckCertificateBoundaries(t *testing.T) {
	t.Parallel()
	p := ecLeaf()
	nb, na := p.Cert.NotBefore, p.Cert.NotAfter
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"at NotBefore", nb, nil},
		{"just before NotBefore", nb.Add(-time.Nanosecond), []string{pemcert.CodeNotYetValid}},
		{"at NotAfter", na, []string{pemcert.CodeExpiresSoon}},
		{"just after NotAfter", na.Add(time.Nanosecond), []string{pemcert.CodeExpired}},
		{"exactly warnWithin left", na.Add(-time.Hour), []string{pemcert.CodeExpiresSoon}},
		{"just more than warnWithin left", na.Add(-time.Hour - time.Nanosecond), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(pemcert.CheckCertificate(p.CertPEM, tt.now, time.Hour)); !slices.Equal(got, tt.want) {
				t.Errorf("codes = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckCertificateUnknownEKU(t *testing.T) {
	t.Parallel()
	// testcerts cannot add unknown usages, so build this one here.
	tmpl := *ecLeaf().Cert
	tmpl.ExtKeyUsage = nil
	tmpl.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 3, 6, 1, 4, 1, 99999, 1}}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, ecLeaf().Key.Public(), ecLeaf().Key)
	if err != nil {
		t.Fatal(err)
	}
	in := encodePEM("CERTIFICATE", der)
	checkFindings(t, in, pemcert.CheckCertificate(in, time.Now(), 0), []want{{
		pemcert.CodeEKUWithoutClientAuth, pemcert.SummaryEKUWithoutClientAuth, pemcert.SeverityWarning,
		[]string{"allows 1.3.6.1.4.1.99999.1 but not clientAuth"},
	}})
}

func invalidKey(detail ...string) want {
	return want{pemcert.CodeKeyUnparsable, pemcert.SummaryInvalidKeyPEM, pemcert.SeverityError, detail}
}

func unsupportedKey(detail ...string) want {
	return want{pemcert.CodeKeyUnsupported, pemcert.SummaryUnsupportedKey, pemcert.SeverityError,
		append(detail, "Accepted formats: "+pemcert.AcceptedKeyFormats)}
}

func encryptedKey(detail ...string) want {
	return want{pemcert.CodeKeyEncrypted, pemcert.SummaryEncryptedKey, pemcert.SeverityError,
		append(detail, "openssl pkey -in key.pem -out key-plain.pem")}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	der, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// Outer structures for keys that the standard library cannot produce.
type pkcs8 struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

type sec1 struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
}

func TestParsePrivateKey(t *testing.T) {
	t.Parallel()
	ec, rsaP := ecLeaf(), rsaLeaf()
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		t.Fatal(err)
	}
	secp256k1 := asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x25519DER, err := x509.MarshalPKCS8PrivateKey(x25519)
	if err != nil {
		t.Fatal(err)
	}
	dsaDER := mustMarshal(t, pkcs8{Algo: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}}, PrivateKey: random})
	k1SEC1 := mustMarshal(t, sec1{Version: 1, PrivateKey: random, NamedCurveOID: secp256k1})
	k1PKCS8 := mustMarshal(t, pkcs8{
		Algo:       pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, secp256k1)}},
		PrivateKey: mustMarshal(t, sec1{Version: 1, PrivateKey: random}),
	})
	block := func(s string) *pem.Block { b, _ := pem.Decode([]byte(s)); return b }
	pkcs8EC := block(testcerts.PKCS8(t, ec)).Bytes
	sec1EC := block(testcerts.SEC1(t, ec)).Bytes
	pkcs1RSA := block(testcerts.PKCS1(t, rsaP)).Bytes

	tests := []struct {
		name    string
		in      string
		wantErr error
		want    []want
	}{
		{"pkcs1 rsa", testcerts.PKCS1(t, rsaP), nil, nil},
		{"pkcs8 rsa", testcerts.PKCS8(t, rsaP), nil, nil},
		{"pkcs8 ecdsa p256", testcerts.PKCS8(t, ec), nil, nil},
		{"pkcs8 ecdsa p384", testcerts.PKCS8(t, p384()), nil, nil},
		{"sec1 p256", testcerts.SEC1(t, ec), nil, nil},
		{"sec1 p384", testcerts.SEC1(t, p384()), nil, nil},
		{"pkcs8 ed25519", testcerts.PKCS8(t, edLeaf()), nil, nil},
		{"crlf and indented", withCRLF(indented(testcerts.SEC1(t, ec), "    ")), nil, nil},
		{"after ec parameters", encodePEM("EC PARAMETERS", mustMarshal(t, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})) + testcerts.SEC1(t, ec), nil, nil},
		{"with its certificate", ec.CertPEM + ec.KeyPEM, nil, nil},

		{"empty", "", pemcert.ErrNotPEM, []want{invalidKey("is empty")}},
		{"garbage", "hunter2", pemcert.ErrNotPEM, []want{invalidKey("No PEM block", "unencrypted private key in one of these formats: "+pemcert.AcceptedKeyFormats)}},
		{"escaped newlines", strings.ReplaceAll(ec.KeyPEM, "\n", `\n`), pemcert.ErrNotPEM, []want{invalidKey(`literal "\n"`)}},
		{"file name", "secrets/client.key", pemcert.ErrNotPEM, []want{invalidKey("looks like a file name")}},
		{"certificate pasted", ec.CertPEM, pemcert.ErrInvalidKey, []want{invalidKey("Found a certificate where the private key was expected")}},
		{"two keys", ec.KeyPEM + ecOther().KeyPEM, pemcert.ErrInvalidKey, []want{invalidKey("Found 2 private keys")}},
		{"pkcs8 labelled pkcs1", encodePEM("RSA PRIVATE KEY", pkcs8EC), pemcert.ErrInvalidKey,
			[]want{invalidKey(`labelled "RSA PRIVATE KEY" but holds a PKCS#8 key`, `to "PRIVATE KEY"`)}},
		{"sec1 labelled pkcs8", encodePEM("PRIVATE KEY", sec1EC), pemcert.ErrInvalidKey,
			[]want{invalidKey(`labelled "PRIVATE KEY" but holds a SEC1 EC key`, `to "EC PRIVATE KEY"`)}},
		{"pkcs1 labelled sec1", encodePEM("EC PRIVATE KEY", pkcs1RSA), pemcert.ErrInvalidKey,
			[]want{invalidKey(`labelled "EC PRIVATE KEY" but holds a PKCS#1 RSA key`, `to "RSA PRIVATE KEY"`)}},
		{"corrupt pkcs1", encodePEM("RSA PRIVATE KEY", random), pemcert.ErrInvalidKey, []want{invalidKey(`"RSA PRIVATE KEY" PEM block is not a valid private key`)}},
		{"corrupt pkcs8", encodePEM("PRIVATE KEY", random), pemcert.ErrInvalidKey, []want{invalidKey(`"PRIVATE KEY" PEM block is not a valid private key`)}},
		{"corrupt sec1", encodePEM("EC PRIVATE KEY", random), pemcert.ErrInvalidKey, []want{invalidKey(`"EC PRIVATE KEY" PEM block is not a valid private key`)}},

		{"legacy encrypted rsa", testcerts.Encrypted(t, rsaP), pemcert.ErrEncryptedKey, []want{encryptedKey("Proc-Type: 4,ENCRYPTED", "unencrypted key")}},
		{"legacy encrypted ec", testcerts.Encrypted(t, ec), pemcert.ErrEncryptedKey, []want{encryptedKey("Proc-Type: 4,ENCRYPTED")}},
		{"legacy encrypted ed25519", testcerts.Encrypted(t, edLeaf()), pemcert.ErrEncryptedKey, []want{encryptedKey("Proc-Type: 4,ENCRYPTED")}},
		{"pkcs8 encrypted", encodePEM("ENCRYPTED PRIVATE KEY", random), pemcert.ErrEncryptedKey, []want{encryptedKey(`"ENCRYPTED PRIVATE KEY"`)}},
		{"dek-info only", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"DEK-Info": "AES-256-CBC,00"}, Bytes: random})),
			pemcert.ErrEncryptedKey, []want{encryptedKey(`"DEK-Info"`)}},

		{"rsa 1024 pkcs1", testcerts.PKCS1(t, rsa1024()), pemcert.ErrUnsupportedKey, []want{unsupportedKey("RSA key is 1024 bits", "2048", "ee key too small")}},
		{"rsa 1024 pkcs8", testcerts.PKCS8(t, rsa1024()), pemcert.ErrUnsupportedKey, []want{unsupportedKey("RSA key is 1024 bits")}},
		{"p521 pkcs8", testcerts.PKCS8(t, p521()), pemcert.ErrUnsupportedKey, []want{unsupportedKey("curve P-521", "P-256 and P-384")}},
		{"p521 sec1", testcerts.SEC1(t, p521()), pemcert.ErrUnsupportedKey, []want{unsupportedKey("curve P-521")}},
		{"p224 sec1", testcerts.SEC1(t, p224()), pemcert.ErrUnsupportedKey, []want{unsupportedKey("curve P-224")}},
		{"secp256k1 sec1", encodePEM("EC PRIVATE KEY", k1SEC1), pemcert.ErrUnsupportedKey, []want{unsupportedKey("curve secp256k1 (1.3.132.0.10)")}},
		{"secp256k1 pkcs8", encodePEM("PRIVATE KEY", k1PKCS8), pemcert.ErrUnsupportedKey, []want{unsupportedKey("curve secp256k1 (1.3.132.0.10)")}},
		{"x25519", encodePEM("PRIVATE KEY", x25519DER), pemcert.ErrUnsupportedKey, []want{unsupportedKey("X25519", "cannot sign")}},
		{"dsa pkcs8", encodePEM("PRIVATE KEY", dsaDER), pemcert.ErrUnsupportedKey, []want{unsupportedKey("algorithm DSA (1.2.840.10040.4.1)")}},
		{"dsa traditional", encodePEM("DSA PRIVATE KEY", random), pemcert.ErrUnsupportedKey, []want{unsupportedKey(`type "DSA PRIVATE KEY"`)}},
		{"openssh", encodePEM("OPENSSH PRIVATE KEY", random), pemcert.ErrUnsupportedKey, []want{unsupportedKey("OpenSSH", "ssh-keygen -p -m PKCS8")}},
		{"public key", encodePEM("PUBLIC KEY", random), pemcert.ErrUnsupportedKey, []want{unsupportedKey(`public key (PEM block "PUBLIC KEY")`, "private key is needed")}},
		{"ec parameters only", encodePEM("EC PARAMETERS", mustMarshal(t, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})), pemcert.ErrUnsupportedKey,
			[]want{unsupportedKey(`type "EC PARAMETERS"`)}},
		{"long block type", encodePEM(strings.Repeat("X", 100), random), pemcert.ErrUnsupportedKey, []want{unsupportedKey(strings.Repeat("X", 40) + `..."`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := pemcert.ParsePrivateKey(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && key == nil {
				t.Fatal("no key and no error")
			}
			checkFindings(t, tt.in, pemcert.CheckKey(tt.in), tt.want)
			if err != nil {
				msg := err.Error()
				if strings.Contains(msg, "-----") || strings.Contains(msg, "Accepted formats") || strings.ContainsAny(msg[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
					t.Errorf("error is not a short Go error string: %v", err)
				}
			}
		})
	}
}

func TestCheckPair(t *testing.T) {
	t.Parallel()
	ec, other, rsaP, ed := ecLeaf(), ecOther(), rsaLeaf(), edLeaf()
	mismatch := func(detail ...string) []want {
		return []want{{pemcert.CodeKeyMismatch, pemcert.SummaryKeyDoesNotMatchCertificate, pemcert.SeverityError,
			append(detail, `"CN=client.example.com,O=cfaop test"`, pemcert.SHA256Fingerprint(ec.Cert), "openssl pkey -in key.pem -pubout")}}
	}
	tests := []struct {
		name      string
		cert, key string
		want      []want
	}{
		{"ecdsa pkcs8", ec.CertPEM, ec.KeyPEM, nil},
		{"ecdsa sec1 reformatted", withCRLF(ec.CertPEM), indented(testcerts.SEC1(t, ec), "  "), nil},
		{"rsa pkcs1", rsaP.CertPEM, testcerts.PKCS1(t, rsaP), nil},
		{"ed25519", ed.CertPEM, ed.KeyPEM, nil},
		{"issued leaf", issued().CertPEM, issued().KeyPEM, nil},
		{"other ecdsa key", ec.CertPEM, other.KeyPEM, mismatch("both are ECDSA P-256 keys, but different ones")},
		{"rsa key", ec.CertPEM, testcerts.PKCS1(t, rsaP), mismatch("public key is ECDSA P-256 and the private key is RSA 2048-bit")},
		{"ed25519 key", ec.CertPEM, ed.KeyPEM, mismatch("private key is Ed25519")},
		{"bad certificate is CheckCertificate's job", "garbage", ec.KeyPEM, nil},
		{"chain is CheckCertificate's job", testcerts.Chain(issued(), ca()), other.KeyPEM, nil},
		{"bad key is CheckKey's job", ec.CertPEM, "garbage", nil},
		{"small key is CheckKey's job", rsa1024().CertPEM, testcerts.PKCS1(t, rsa1024()), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFindings(t, tt.cert+tt.key, pemcert.CheckPair(tt.cert, tt.key), tt.want)
		})
	}
}

func TestKeyMatchesCertificate(t *testing.T) {
	t.Parallel()
	ec, other := ecLeaf(), ecOther()
	tests := []struct {
		name string
		p    testcerts.Pair
		cert *x509.Certificate
		want bool
	}{
		{"ecdsa", ec, ec.Cert, true},
		{"rsa", rsaLeaf(), rsaLeaf().Cert, true},
		{"ed25519", edLeaf(), edLeaf().Cert, true},
		{"other key", other, ec.Cert, false},
		{"other type", edLeaf(), ec.Cert, false},
		{"nil certificate", ec, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pemcert.KeyMatchesCertificate(tt.p.Key, tt.cert); got != tt.want {
				t.Errorf("KeyMatchesCertificate = %v, want %v", got, tt.want)
			}
		})
	}
	if pemcert.KeyMatchesCertificate(nil, ec.Cert) {
		t.Error("nil key matches")
	}
}

func TestSeverityString(t *testing.T) {
	t.Parallel()
	for s, want := range map[pemcert.Severity]string{pemcert.SeverityError: "error", pemcert.SeverityWarning: "warning", 7: "Severity(7)"} {
		if got := fmt.Sprint(s); got != want {
			t.Errorf("Severity(%d) = %q, want %q", int(s), got, want)
		}
	}
}
