# Terraform 1.12+: the same import by the certificate's identity; the resource
# above must still set the matching key.
import {
  to = cfaop_hostname_certificate.app
  identity = {
    zone_id = var.zone_id
    id      = "2458ce5a-0c35-4c7f-82c7-8e9487d3ff60"
  }
}
