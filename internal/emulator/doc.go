// Package emulator emulates the Authenticated Origin Pulls (AOP) part of the
// Cloudflare API v4 for offline use: the provider's acceptance tests run
// against it, and the cmd/emulator command serves it for interactive use.
//
// It serves the same paths (under /client/v4), the same JSON envelope
// ({"success","errors","messages","result"} plus "result_info" on lists), the
// same field names and the same status values as Cloudflare's OpenAPI schema
// (an excerpt is in internal/cfreference), and it enforces the business
// rules of the real API: leaf certificates only, matching private keys, no
// duplicate certificates, at most 10 hostname certificates per zone, at most
// 100 hostname associations per certificate, no deletion of a hostname
// certificate that is still associated nor of a certificate still pending
// deployment, no change to a certificate pending deletion, one
// zone-certificate upload or delete at a time per zone, atomic association
// updates.
//
// Status transitions (pending_deployment -> active, pending_deletion ->
// deleted -> purged) are computed lazily from timestamps and the configured
// delays, so no goroutine runs in the background and a delay of zero gives the
// final state on the next read. Certificate deployment, certificate deletion,
// association deployment and association removal each have their own delay
// (Config.Delays, SetDelays, admin /__emulator/delays), with optional jitter
// [ours: public reports put a certificate's deployment at a few minutes and
// an association change at seconds or more; the defaults stay short for
// tests].
//
// # Emulated edge
//
// Server.Pull (admin endpoint POST /__emulator/pull) makes the request
// Cloudflare's edge makes to an origin: TLS with SNI and Host set to the
// hostname, to a loopback address set with Server.SetOrigin, presenting the
// client certificate that the current AOP configuration selects (per-hostname
// over zone-level over global, see Pull). For global AOP the emulator
// presents its own certificate (Server.GlobalCertificate, CN
// "origin-pull.cloudflare.net emulated"), signed by its own origin-pull CA
// (Server.OriginPullCA, served at CAPath), in place of Cloudflare's shared
// certificate. So an origin configured to require client certificates can be
// tested end to end: which certificate it receives, and whether it refuses.
//
// # Association deployment and the gap record
//
// Association changes deploy asynchronously [doc]; how the edge behaves
// meanwhile is not documented, so the emulator's model is ours, chosen to
// be conservative. The edge keeps serving the last deployed version of a
// hostname's association until a change is deployed (its status active),
// and presents that version's certificate only while the certificate is
// active: not while it is pending deployment, nor once its deletion is
// requested. A change replaced before it was deployed is never deployed.
// Removing or disabling an association takes effect at once. Pull and
// Server.HostnameGaps (admin GET /__emulator/gaps), which records when the
// edge had no hostname certificate to present after having had one, follow
// the same model: a rotation that deletes the old certificate before the
// new association is active shows a gap until it is.
//
// # SSL/TLS mode
//
// The zone setting ssl (GET/PATCH /zones/{zone_id}/settings/ssl; values off,
// flexible, full, strict [doc]; default full [ours]) decides how the edge
// pulls. off and flexible: plain HTTP, no client certificate whatever AOP
// says, because AOP does not apply to them [doc]; the emulator sends it to
// the same origin address [ours: Cloudflare uses port 80]. full: TLS, the
// origin's certificate is not verified [doc]. strict: TLS, the origin's
// certificate is verified for the hostname against the CAs given with
// Server.SetOriginTrust (admin POST /__emulator/origin-trust, -origin-ca) [ours: in place of the public CAs and Cloudflare's
// Origin CA that Cloudflare trusts [doc]].
//
// # What visitors would see
//
// PullResult.EdgeStatus is the status Cloudflare would serve [doc: its 5xx
// error pages]: the origin's own status when it answered; 521 when the
// connection is refused; 522 when the origin does not answer the
// connection or the TLS handshake in time; 524 when it accepts the request
// but does not answer in time; 525 when the TLS handshake fails, including
// a client certificate the origin refuses (with TLS 1.3 that refusal arrives
// as an alert after the handshake [obs: Go, nginx and Apache]); 526 in
// strict mode when the origin's certificate is not valid; 520 otherwise.
// The mapping of timeouts is ours: Cloudflare waits far longer (about 15 s
// to connect, 100 s for an answer [doc]) than Config.PullTimeout.
//
// # IP ranges
//
// GET /client/v4/ips answers {etag, ipv4_cidrs, ipv6_cidrs} without
// credentials [obs]. By default the lists are Cloudflare's published ranges
// (CloudflareIPv4CIDRs, CloudflareIPv6CIDRs, from cloudflare.com/ips-v4 and
// ips-v6) [doc]; tests replace them (Config.IPRanges, SetIPRanges, admin
// /__emulator/ips, -ip-ranges) with loopback ranges so that an origin's
// allow list admits the local edge [ours]. The etag is a digest of the lists
// [ours: Cloudflare's is also 32 hex characters, its algorithm unknown];
// jdcloud_cidrs (?networks=jdcloud [doc]) is not emulated.
//
// # Latency and rate limit
//
// Config.Latency (SetLatency) delays every API answer like a round trip to
// Cloudflare. Config.RateLimit (SetRateLimit) enforces Cloudflare's limit of
// 1,200 requests per five minutes per token, with its lock-out, its 429
// answer and its Ratelimit and Ratelimit-Policy headers; it is off unless
// configured. Both are what the benchmark (internal/bench) runs against.
//
// # Fault injection
//
// SetFaults (admin endpoint POST /__emulator/faults, see Fault) fails chosen
// or randomly drawn API requests: an error status (with Retry-After) before
// or after the change is made, a connection reset before or after it, a
// hang, or a truncated body ("truncate": the change is made, the headers and
// half the body declared in Content-Length are sent, and the connection is
// closed). InjectedFaults counts what was applied.
//
// # Error codes
//
// Cloudflare documents only some of its error codes. Each behaviour below is
// marked [doc] documented by Cloudflare (its docs or the OpenAPI schema),
// [obs] observed in public reports, code or recorded responses, or [ours]
// our own choice where nothing is known (the code, the message wording, or
// both). Where observation and the OpenAPI schema disagree, observation
// wins: the empty zone certificate list is "result": null although the
// schema types it as an array, certificate IDs are 36-character UUIDs
// although the generic identifier says maxLength 32, and a hostname without
// an association is 404/1553, which the schema does not list. Every error is
// answered in the Cloudflare envelope with "success": false and
// "result": null.
//
//	HTTP code   message                                                  source
//	403  10000  Authentication error                                     [obs]
//	404  7003   No route for the URI                                     [ours] (Cloudflare's generic routing code, not in the reference)
//	404  7003   Could not route to /zones/<id>/..., perhaps your object identifier is invalid?  [ours] (as above)
//	405  7001   Method not allowed (Allow header lists the methods)      [ours]
//	400  1001   Invalid request: the request body is not valid JSON      [ours]
//	400  1002   Invalid request: <field> ... (missing or wrongly typed)  [ours]
//	400  1007   Invalid value for zone setting tls_client_auth (or ssl) ...  [ours]
//	404  1404   Certificate not found                                    [ours] (1404 is observed as "certificate ID required")
//	400  1406   This certificate already exists for this zone.           [obs] also while the same certificate is pending deletion
//	400  1408   Unable to parse the certificate: ... (not exactly one PEM certificate, or unparsable)  [obs] code, [ours] wording
//	400  1412   Only leaf certificate is allowed.                        [doc/obs]
//	400  1413   The private key does not match the certificate.          [ours]
//	400  1414   The certificate <id> is pending deletion ...             [obs] for changes: an association PUT naming it
//	            (also enabled: null); [ours] for a repeated DELETE
//	400  1415   Certificate ID in request is either invalid or the certificate has been deleted  [obs] (association PUT)
//	400  1416   Hostname certificate limit reached ... (10 per zone)     [doc] limit, [ours] code
//	400  1418   Invalid hostname <h>: ... (not a hostname inside the zone)  [ours]
//	400  1419   Hostname association limit reached ... (100 per certificate)  [doc] limit, [ours] code
//	400  1420   Hostname <h> appears more than once in the request       [ours]
//	400  1421   Invalid private key: ... (unparsable, encrypted or not exactly one key)  [ours]; moved
//	            from 1414, which Cloudflare uses for "pending deletion"
//	400  1433   The certificate is in use by hostname associations: <hostnames> ...  [obs] code, [ours] wording
//	400  1434   The certificate <id> is still pending deployment ... (a DELETE before it is active)  [obs]
//	409  1435   Another zone certificate upload or deletion is in progress for this zone ...  [obs] status, [ours] code
//	            (see Config.ZoneCertWriteTime)
//	404  1553   Authenticated Origin Pulls setting for this hostname not found (GET of a hostname
//	            without an association)  [obs] status and code, [ours] first words
//	429  971    More than 1200 requests per 300 seconds reached. ... (rate limit, see RateLimit, or injected fault)  [doc] limit and 429, [ours] code and wording
//	any  10001  Emulated failure: HTTP <status> (other injected faults)  [ours]
//	421  10421  The emulator answers only loopback host names ...           [ours] (see Loopback only)
//
// Other observed behaviours the emulator follows: certificate IDs are UUIDs
// [obs]; listing zone certificates of a zone that has none answers
// "result": null [obs] (hostname certificates answer [] [ours]); a deleted
// certificate stays readable by ID (status "deleted") until purged [obs];
// the same certificate uploaded again after its deletion comes back under
// its old ID [obs: "may"; the emulator always does]; with several active
// zone certificates the most recently deployed one is presented [doc].
//
// # Scoped tokens
//
// Config.ScopedTokens (cmd/emulator's repeatable -scoped-token
// TOKEN=PERM,PERM) are tokens limited to Cloudflare permission groups:
// ssl_and_certificates:read/edit, zone_settings:read/edit and zone:read; an
// Edit includes its Read [doc]. The main token and the API key keep every
// permission. A request outside a token's permissions is answered like a
// wrong token, HTTP 403 with code 10000 "Authentication error" [obs]. What
// each route needs (routePermission):
//
//	GET  /zones, /zones/{id}                                 Zone Read                  [doc]
//	GET, PATCH /zones/{id}/settings/tls_client_auth          Zone Settings Read, Edit   [doc]
//	PUT  .../origin_tls_client_auth/settings                 SSL and Certificates Edit  [doc] (API reference: "SSL and Certificates Write")
//	GET  .../origin_tls_client_auth/settings                 SSL and Certificates Read  [ours] (by analogy with the PUT)
//	GET  certificates and hostname associations              SSL and Certificates Read  [doc]
//	POST, DELETE certificates; PUT hostname associations     SSL and Certificates Edit  [doc]
//
// Scoped tokens cannot use the admin endpoints. The emulator does not
// model a new token's short 403 phase [obs] nor IP-restricted tokens (9109).
//
// # Loopback only
//
// Start listens on loopback addresses only, and every request (API, CA and
// admin endpoints) must name a loopback host in its Host header: localhost,
// a name under .localhost, 127.0.0.0/8 or [::1], with any port. Anything
// else is answered HTTP 421 with code 10421, our own choice (Cloudflare has
// no such answer), so a web page cannot drive a running emulator through DNS
// rebinding. Without Config.Token (or cmd/emulator's -token) the emulator
// accepts a random token in Cloudflare's format (NewToken), not a fixed one.
package emulator
