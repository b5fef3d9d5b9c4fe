# Adopt an existing hostname association: <zone_id>/<hostname>.
import {
  to = cfaop_hostname_binding.app
  id = "${var.zone_id}/app.example.com"
}
