# Terraform 1.12+: import by the zone. The imported deployment lists no
# hostname yet; the next apply waits for the configured ones.
import {
  to = cfaop_hostname_deployment.this
  identity = {
    zone_id = var.zone_id
  }
}
