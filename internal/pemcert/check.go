package pemcert

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// Severity is how serious a finding is.
type Severity int

// The zero Severity is SeverityError, so a Finding built without one fails
// closed.
const (
	SeverityError Severity = iota
	SeverityWarning
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Finding is one problem found in a certificate or key, ready to become a
// diagnostic. Code is stable; Summary and Detail are for people.
type Finding struct {
	Severity Severity
	Summary  string
	Detail   string
	Code     string
}

func newFinding(code, detail string) Finding {
	rule := rules[code]
	return Finding{Severity: rule.severity, Summary: rule.summary, Detail: detail, Code: code}
}

// timeFormat is used for every date in a message.
const timeFormat = time.RFC3339

// CheckCertificate reports problems with pemText as a client certificate to
// upload: a PEM error stops the checks, otherwise every applicable finding is
// returned, errors and warnings alike. A warning is given when the certificate
// expires within warnWithin; zero or less disables it.
func CheckCertificate(pemText string, now time.Time, warnWithin time.Duration) []Finding {
	cert, r := parseLeaf(pemText)
	if r != nil {
		return []Finding{r.finding()}
	}
	subject := subjectLabel(cert)
	var findings []Finding
	if isCA(cert) {
		findings = append(findings, newFinding(CodeCACertificate,
			fmt.Sprintf(detailCA, subject, SHA256Fingerprint(cert))))
	}
	if now.Before(cert.NotBefore) {
		findings = append(findings, newFinding(CodeNotYetValid,
			fmt.Sprintf(detailNotYetValid, subject, cert.NotBefore.UTC().Format(timeFormat))))
	}
	left := cert.NotAfter.Sub(now)
	switch {
	case left < 0:
		findings = append(findings, newFinding(CodeExpired,
			fmt.Sprintf(detailExpired, subject, cert.NotAfter.UTC().Format(timeFormat))))
	case warnWithin > 0 && left <= warnWithin:
		findings = append(findings, newFinding(CodeExpiresSoon,
			fmt.Sprintf(detailExpiresSoon, subject, timeLeft(left), cert.NotAfter.UTC().Format(timeFormat))))
	}
	if usages, ok := clientAuthAllowed(cert); !ok {
		findings = append(findings, newFinding(CodeEKUWithoutClientAuth,
			fmt.Sprintf(detailEKU, subject, usages)))
	}
	return findings
}

func timeLeft(d time.Duration) string {
	switch days := int64(d / (24 * time.Hour)); days {
	case 0:
		return "in less than a day"
	case 1:
		return "in 1 day"
	default:
		return fmt.Sprintf("in %d days", days)
	}
}

var extKeyUsageNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:                            "any",
	x509.ExtKeyUsageServerAuth:                     "serverAuth",
	x509.ExtKeyUsageClientAuth:                     "clientAuth",
	x509.ExtKeyUsageCodeSigning:                    "codeSigning",
	x509.ExtKeyUsageEmailProtection:                "emailProtection",
	x509.ExtKeyUsageIPSECEndSystem:                 "ipsecEndSystem",
	x509.ExtKeyUsageIPSECTunnel:                    "ipsecTunnel",
	x509.ExtKeyUsageIPSECUser:                      "ipsecUser",
	x509.ExtKeyUsageTimeStamping:                   "timeStamping",
	x509.ExtKeyUsageOCSPSigning:                    "OCSPSigning",
	x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "msSGC",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:      "nsSGC",
	x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "msCodeCom",
	x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "msKernelCodeSigning",
}

// clientAuthAllowed reports ok when the certificate may be used for client
// authentication: no extended key usage extension at all, or one that lists
// clientAuth or anyExtendedKeyUsage. Otherwise it names the usages it has.
func clientAuthAllowed(cert *x509.Certificate) (usages string, ok bool) {
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return "", true
	}
	var names []string
	for _, u := range cert.ExtKeyUsage {
		if u == x509.ExtKeyUsageClientAuth || u == x509.ExtKeyUsageAny {
			return "", true
		}
		name, known := extKeyUsageNames[u]
		if !known {
			name = fmt.Sprintf("usage %d", int(u))
		}
		names = append(names, name)
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		names = append(names, oid.String())
	}
	return strings.Join(names, ", "), false
}

// CheckKey reports problems with pemText as the private key to upload.
func CheckKey(pemText string) []Finding {
	if _, r := parsePrivateKey(pemText); r != nil {
		return []Finding{r.finding()}
	}
	return nil
}

// CheckPair reports whether the key belongs to the certificate. When either
// does not parse it returns nothing: CheckCertificate and CheckKey already
// report that, and one problem should give one diagnostic.
func CheckPair(certPEM, keyPEM string) []Finding {
	cert, r := parseLeaf(certPEM)
	if r != nil {
		return nil
	}
	key, r := parsePrivateKey(keyPEM)
	if r != nil {
		return nil
	}
	if KeyMatchesCertificate(key, cert) {
		return nil
	}
	certType, keyType := publicKeyLabel(cert.PublicKey), publicKeyLabel(key.Public())
	types := fmt.Sprintf("the certificate's public key is %s and the private key is %s", certType, keyType)
	if certType == keyType {
		types = fmt.Sprintf("both are %s keys, but different ones", certType)
	}
	return []Finding{newFinding(CodeKeyMismatch,
		fmt.Sprintf(detailMismatch, subjectLabel(cert), SHA256Fingerprint(cert), types))}
}
