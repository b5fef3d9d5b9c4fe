variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

# Cloudflare presents its shared origin-pull certificate to this zone's origins.
resource "cfaop_global_setting" "this" {
  zone_id = var.zone_id
  enabled = true
}
