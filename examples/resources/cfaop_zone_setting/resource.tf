variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

# Cloudflare presents the zone's own uploaded certificate to its origins.
resource "cfaop_zone_setting" "this" {
  zone_id = var.zone_id
  enabled = true
}
