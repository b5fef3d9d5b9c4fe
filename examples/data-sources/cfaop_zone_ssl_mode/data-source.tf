variable "zone_id" {
  type = string
}

# Authenticated Origin Pulls needs Full or Full (strict): in Off and Flexible
# Cloudflare pulls over plain HTTP and presents no client certificate.
check "zone_ssl_mode_strict" {
  data "cfaop_zone_ssl_mode" "this" {
    zone_id = var.zone_id
  }

  assert {
    condition     = data.cfaop_zone_ssl_mode.this.mode == "strict"
    error_message = "Zone ${var.zone_id} is in SSL/TLS mode ${data.cfaop_zone_ssl_mode.this.mode}; set it to Full (strict)."
  }
}
