# The setting belongs to the zone: import it by the zone ID.
import {
  to = cfaop_global_setting.this
  id = var.zone_id
}
