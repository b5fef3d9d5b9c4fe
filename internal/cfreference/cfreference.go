// Package cfreference holds reference data published by Cloudflare, embedded
// so that the tests of several packages read it from the repository itself:
// the Authenticated Origin Pulls excerpt of Cloudflare's OpenAPI schema and
// Cloudflare's origin-pull CA certificates. PROVENANCE.md says where each
// file comes from, when it was taken, under which licence, and what in it is
// not Cloudflare's.
//
// Only tests import this package, so nothing here is linked into the provider.
package cfreference

import _ "embed"

// OpenAPI is the AOP excerpt of cloudflare/api-schemas' openapi.json
// (2024-08-06, BSD-3-Clause), with the additions PROVENANCE.md lists.
//
//go:embed cloudflare-aop-openapi.json
var OpenAPI []byte

// OpenAPIName names OpenAPI in test messages.
const OpenAPIName = "internal/cfreference/cloudflare-aop-openapi.json"

// GlobalCAPEM is Cloudflare's global Authenticated Origin Pull CA
// (CN=origin-pull.cloudflare.net, 2019-10-10 to 2029-11-01) as published in
// Cloudflare's documentation.
//
//go:embed ca/cloudflare-docs_authenticated_origin_pull_ca_2019-2029.pem
var GlobalCAPEM []byte

// ExpiredGlobalCAPEM is the expired predecessor of GlobalCAPEM (same subject
// and key, 2015-01-13 to 2020-01-12), for tests of expired-CA handling.
//
//go:embed ca/cloudflared_origin_pull_ca_2015-2020_expired.pem
var ExpiredGlobalCAPEM []byte
