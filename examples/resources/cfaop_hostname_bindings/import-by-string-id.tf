# Adopt the associations of known hostnames: <zone_id>/<hostname>,<hostname>,...
import {
  to = cfaop_hostname_bindings.this
  id = "${var.zone_id}/app.example.com,api.example.com"
}
