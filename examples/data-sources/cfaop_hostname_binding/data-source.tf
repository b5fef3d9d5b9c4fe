variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

data "cfaop_hostname_binding" "app" {
  zone_id  = var.zone_id
  hostname = "app.example.com"
}

output "app_certificate" {
  value = "${data.cfaop_hostname_binding.app.certificate_id} (${data.cfaop_hostname_binding.app.status}, expires ${data.cfaop_hostname_binding.app.expires_on})"
}
