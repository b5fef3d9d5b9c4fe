variable "server_name" {
  type        = string
  description = "Hostname the virtual host answers for (the proxied hostname, e.g. app.example.com)."
}

variable "listen" {
  type        = string
  description = "Address of the <VirtualHost>, e.g. *:443 or 127.0.0.1:8443 (a matching Listen directive must exist)."
  default     = "*:443"
}

variable "server_certificate_file" {
  type        = string
  description = "Path of the origin's own TLS certificate."
}

variable "server_key_file" {
  type        = string
  description = "Path of the origin's TLS private key."
}

variable "trusted_certificates" {
  type        = list(string)
  description = "PEM certificates the origin trusts for client authentication: data.cfaop_global_ca's pem for global AOP, and the CA (or the self-signed certificate) behind your zone-level and per-hostname certificates."
}

variable "ca_file" {
  type        = string
  description = "Absolute path where the trust bundle (output ca_bundle_pem) is installed on the origin."
  default     = "/etc/apache2/cloudflare-authenticated-origin-pull-ca.pem"
}

variable "verify_depth" {
  type        = number
  description = "Maximum client certificate chain depth (SSLVerifyDepth)."
  default     = 2
}

variable "document_root" {
  type        = string
  description = "DocumentRoot of the virtual host."
  default     = "/var/www/html"
}

variable "allowed_cidrs" {
  type        = list(string)
  description = "Client ranges the origin answers at all, usually data.cfaop_ip_ranges.cloudflare.cidrs; others are refused with 403 before the request is served. Empty (the default) renders no allow list. Also rendered as an nftables ruleset (output nftables_ruleset)."
  default     = []
}

variable "verification_mode" {
  type        = string
  description = "\"on\" refuses clients without a valid client certificate (fail closed); \"optional\" serves them and only reports the verdict in verdict_header and verdict_log_file, for a staged rollout."
  default     = "on"
}

variable "verdict_header" {
  type        = string
  description = "Request header that passes the verification verdict (SUCCESS, NONE or FAILED:reason) to the application, e.g. X-Client-Verify; needs mod_headers. \"\" (the default) sends none."
  default     = ""
}

variable "verdict_log_file" {
  type        = string
  description = "Absolute path of an access log with the verdict and the client certificate's identity; \"\" writes none."
  default     = ""
}
