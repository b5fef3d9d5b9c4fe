# Terraform 1.12+: the same import by the setting's identity, its zone.
import {
  to = cfaop_zone_setting.this
  identity = {
    zone_id = var.zone_id
  }
}
