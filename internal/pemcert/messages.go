package pemcert

// All user-facing wording lives in this file so the provider and its tests
// can refer to the same codes and summaries.

// Codes identify a finding independently of its wording.
const (
	CodeNotPEM               = "not_pem"
	CodeMultipleCertificates = "multiple_certificates"
	CodeCACertificate        = "ca_certificate"
	CodeExpired              = "expired"
	CodeNotYetValid          = "not_yet_valid"
	CodeExpiresSoon          = "expires_soon"
	CodeEKUWithoutClientAuth = "eku_without_client_auth"
	CodeKeyUnparsable        = "key_unparsable"
	CodeKeyEncrypted         = "key_encrypted"
	CodeKeyUnsupported       = "key_unsupported"
	CodeKeyMismatch          = "key_mismatch"
)

// Summaries are the diagnostic titles, one per code.
const (
	SummaryInvalidCertificatePEM      = "Invalid Certificate PEM"
	SummaryCertificateChain           = "Certificate Chain Not Accepted"
	SummaryCACertificate              = "CA Certificate Not Accepted"
	SummaryExpired                    = "Certificate Expired"
	SummaryNotYetValid                = "Certificate Not Yet Valid"
	SummaryExpiresSoon                = "Certificate Expires Soon"
	SummaryEKUWithoutClientAuth       = "Certificate Not Valid For Client Authentication"
	SummaryInvalidKeyPEM              = "Invalid Private Key PEM"
	SummaryEncryptedKey               = "Encrypted Private Key Not Supported"
	SummaryUnsupportedKey             = "Unsupported Private Key"
	SummaryKeyDoesNotMatchCertificate = "Private Key Does Not Match Certificate"
)

// AcceptedKeyFormats lists the private key encodings ParsePrivateKey accepts;
// attribute descriptions can reuse it.
const AcceptedKeyFormats = `PKCS#1 RSA ("RSA PRIVATE KEY"), PKCS#8 ("PRIVATE KEY") with RSA, ECDSA P-256/P-384 or Ed25519, and SEC1 EC ("EC PRIVATE KEY")`

// MinRSABits is the smallest RSA modulus accepted.
const MinRSABits = 2048

var rules = map[string]struct {
	severity Severity
	summary  string
}{
	CodeNotPEM:               {SeverityError, SummaryInvalidCertificatePEM},
	CodeMultipleCertificates: {SeverityError, SummaryCertificateChain},
	CodeCACertificate:        {SeverityError, SummaryCACertificate},
	CodeExpired:              {SeverityError, SummaryExpired},
	CodeNotYetValid:          {SeverityError, SummaryNotYetValid},
	CodeExpiresSoon:          {SeverityWarning, SummaryExpiresSoon},
	CodeEKUWithoutClientAuth: {SeverityWarning, SummaryEKUWithoutClientAuth},
	CodeKeyUnparsable:        {SeverityError, SummaryInvalidKeyPEM},
	CodeKeyEncrypted:         {SeverityError, SummaryEncryptedKey},
	CodeKeyUnsupported:       {SeverityError, SummaryUnsupportedKey},
	CodeKeyMismatch:          {SeverityError, SummaryKeyDoesNotMatchCertificate},
}

// Details. Verbs are filled in by the checks; none of them ever receives key
// material or a whole PEM value.
const (
	// %s: "certificate" or "private key".
	detailEmpty = "The %s is empty. Set it to the PEM-encoded %[1]s, for example with file(\"client.pem\")."
	// %s: "certificate" or "private key".
	detailEscapedNewlines = `The %s contains literal "\n" sequences instead of line breaks, so it cannot be read as PEM. ` +
		`Load it with file("...") or a heredoc, or replace the "\n" sequences with real newlines.`
	// %s: "certificate" or "private key".
	detailFileName = `The %s looks like a file name rather than the file's contents. Read the file with file("...") instead of passing its path.`

	detailCertNoPEM = "No PEM block was found. Expected exactly one PEM-encoded certificate starting with " +
		"-----BEGIN CERTIFICATE-----. A DER (binary) certificate must be converted first, for example with " +
		"`openssl x509 -inform der -in client.der -out client.pem`."
	// %q: the private key's PEM block type.
	detailCertIsKey = "Found a private key (PEM block %q) where the certificate was expected. " +
		"Put the client certificate here and the private key in the private key argument."
	// %q: the private key's PEM block type.
	detailCertWithKey = "Besides the certificate, the value contains a private key (PEM block %q). " +
		"Remove the key block and put the key in the private key argument: the certificate is not treated as a secret, " +
		"so a key here would show up in plan output and in state."
	// %s: the block types found.
	detailCertOtherBlocks = "No CERTIFICATE PEM block was found (found %s). " +
		"Expected exactly one PEM-encoded client certificate starting with -----BEGIN CERTIFICATE-----."
	// %v: the parser's error.
	detailCertUnparsable = "The CERTIFICATE PEM block is not a valid X.509 certificate: %v. " +
		"The value may be truncated or corrupted; copy the certificate file again."
	// %d: number of certificates; %s: their subjects.
	detailChain = "Found %d certificates (a chain or bundle): %s. " +
		"Cloudflare accepts exactly one leaf client certificate. Keep only the client certificate and remove the " +
		"intermediate and CA certificates; the origin, not Cloudflare, needs the CA certificate to verify the client."
	// %s: subject; %s: SHA-256 fingerprint.
	detailCA = "The certificate %s (SHA-256 %s) is a CA certificate (basic constraints CA:TRUE). " +
		`Cloudflare rejects CA certificates with error 1412 "Only leaf certificate is allowed.". ` +
		"Upload a leaf certificate signed by this CA instead (CA:FALSE, extendedKeyUsage=clientAuth), and install " +
		"this CA certificate on your origin as the trusted client CA (for example nginx ssl_client_certificate)."
	// %s: subject; %s: NotAfter.
	detailExpired = "The certificate %s expired on %s. Origins that verify client certificates reject an expired " +
		"one, so authenticated origin pulls would fail. Issue a new certificate and key and set them here."
	// %s: subject; %s: NotBefore.
	detailNotYetValid = "The certificate %s is not valid until %s. Origins that verify client certificates reject it " +
		"until then. Check the clock of the system that issued it, or reissue it with a start date in the past."
	// %s: subject; %s: time left ("in 12 days"); %s: NotAfter.
	detailExpiresSoon = "The certificate %s expires %s, on %s. After that, origins that verify client certificates " +
		"reject Cloudflare's connections. Renew the certificate and update it here before then."
	// %s: subject; %s: the extended key usages found.
	detailEKU = "The certificate %s has an extended key usage extension that allows %s but not clientAuth. " +
		"Origins that check the certificate's purpose (nginx and Apache via OpenSSL do) reject it as a client certificate. " +
		"Reissue it with extendedKeyUsage=clientAuth."

	detailKeyNoPEM = "No PEM block was found. Expected one PEM-encoded, unencrypted private key in one of these " +
		"formats: " + AcceptedKeyFormats + "."
	detailKeyIsCert = "Found a certificate where the private key was expected. Put the private key that belongs to " +
		"the certificate here, and the certificate in the certificate argument."
	// %d: number of private key blocks.
	detailKeyMultiple = "Found %d private keys; exactly one is expected. Keep only the key that belongs to the certificate."
	// %q: PEM block type; %s: what it actually holds; %q: the type to use.
	detailKeyMislabelled = "The PEM block is labelled %q but holds %s. Change its BEGIN and END lines to %q, " +
		"or re-encode it with `openssl pkey -in key.pem -out key-pkcs8.pem`."
	// %q: PEM block type.
	detailKeyUnparsable = "The %q PEM block is not a valid private key; it may be truncated or corrupted. " +
		"Copy the key file again."
	// %s: how the encryption was recognised.
	detailKeyEncrypted = "The private key is encrypted (%s). Cloudflare needs the unencrypted key to present the " +
		"certificate to your origin, and this provider does not take a passphrase. Decrypt it, for example with " +
		"`openssl pkey -in key.pem -out key-plain.pem`, and keep the decrypted file out of version control."
	// %s: what was found and why it is not accepted.
	detailKeyUnsupported = "%s. Accepted formats: " + AcceptedKeyFormats + "."

	// %s: subject; %s: SHA-256 fingerprint; %s: the two public key types.
	detailMismatch = "The private key does not belong to the certificate %s (SHA-256 %s); %s. " +
		"Cloudflare could not complete TLS handshakes with your origin using this pair. Use the key the certificate " +
		"was issued for: `openssl x509 -in cert.pem -noout -pubkey` and `openssl pkey -in key.pem -pubout` print the " +
		"same public key for a matching pair."
)

// Reasons a key is unsupported, completed into detailKeyUnsupported.
const (
	// %q: PEM block type.
	reasonBlockType = "Found a PEM block of type %q, which is not a supported private key"
	// %q: PEM block type.
	reasonPublicKey = "Found a public key (PEM block %q); the private key is needed"
	reasonOpenSSH   = `Found an OpenSSH private key ("OPENSSH PRIVATE KEY"), which Cloudflare cannot read; ` +
		"convert it with `ssh-keygen -p -m PKCS8 -f <file>` (this rewrites the file in place)"
	// %d: modulus size.
	reasonRSASize = "The RSA key is %d bits. Keys below 2048 bits are no longer considered secure (NIST SP 800-131A) " +
		`and OpenSSL at its default security level on many systems refuses them ("ee key too small"); ` +
		"generate a key of at least 2048 bits and reissue the certificate"
	// %s: curve name.
	reasonCurve = "The ECDSA key uses curve %s; Cloudflare accepts P-256 and P-384. Generate a key on one of those " +
		"curves and reissue the certificate"
	// %s: algorithm name or OID.
	reasonAlgorithm = "The PKCS#8 key uses algorithm %s, which is not supported"
	reasonX25519    = "The key is an X25519 key, which can only agree on keys and cannot sign a TLS handshake"
)
