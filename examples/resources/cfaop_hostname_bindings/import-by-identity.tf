# Terraform 1.12+: import by the zone. The imported resource lists no
# hostname yet; the next apply writes the configured ones (a hostname already
# on its certificate is rewritten unchanged) and waits until they are active.
import {
  to = cfaop_hostname_bindings.this
  identity = {
    zone_id = var.zone_id
  }
}
