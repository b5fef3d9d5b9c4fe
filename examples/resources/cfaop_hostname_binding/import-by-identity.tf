# Terraform 1.12+: the same import by the association's identity.
import {
  to = cfaop_hostname_binding.app
  identity = {
    zone_id  = var.zone_id
    hostname = "app.example.com"
  }
}
