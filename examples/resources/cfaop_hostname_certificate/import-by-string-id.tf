# Adopt a hostname certificate uploaded outside Terraform: <zone_id>/<certificate_id>.
# Cloudflare never returns the private key, so the resource above must set the
# matching key; the plan then imports and records the key, replacing nothing.
import {
  to = cfaop_hostname_certificate.app
  id = "${var.zone_id}/2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
}
