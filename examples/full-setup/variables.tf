variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone."
}

variable "hostname" {
  type        = string
  description = "The proxied hostname whose origin is protected, e.g. app.example.com."
}

variable "zone_certificate" {
  type        = string
  description = "Zone-level client certificate (PEM), signed by client_ca_certificate."
}

variable "zone_private_key" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "Private key of zone_certificate; write-only, never stored."
}

variable "hostname_certificate" {
  type        = string
  description = "Client certificate for var.hostname (PEM), signed by client_ca_certificate."
}

variable "hostname_private_key" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "Private key of hostname_certificate; write-only, never stored."
}

variable "key_version" {
  type        = number
  description = "Bump when the keys change (write-only keys are not compared)."
  default     = 1
}

variable "client_ca_certificate" {
  type        = string
  description = "The CA that signed the zone and hostname client certificates (PEM)."
}

variable "origin_listen" {
  type        = string
  description = "nginx listen address."
  default     = "443"
}

variable "origin_certificate_file" {
  type        = string
  description = "The origin's own TLS certificate file."
}

variable "origin_key_file" {
  type        = string
  description = "The origin's own TLS key file."
}

variable "origin_ca_file" {
  type        = string
  description = "Where the trust bundle is installed on the origin."
  default     = "/etc/nginx/cloudflare-authenticated-origin-pull-ca.pem"
}

variable "origin_address" {
  type        = string
  description = "The origin's own address, host:port (not the proxied name), which the check block probes directly."
}

variable "origin_location_block" {
  type        = string
  description = "What nginx does with accepted requests (the body of `location /`), usually passing them to the application."
  default     = "proxy_pass http://127.0.0.1:8080;"
}
