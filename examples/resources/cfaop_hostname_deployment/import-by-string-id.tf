# Adopt a deployment for known hostnames: <zone_id>/<hostname>,<hostname>,...
import {
  to = cfaop_hostname_deployment.this
  id = "${var.zone_id}/app.example.com,api.example.com"
}
