variable "server_name" {
  type        = string
  description = "Hostname the server block answers for (the proxied hostname, e.g. app.example.com)."
}

variable "listen" {
  type        = string
  description = "nginx listen address, e.g. 443 or 127.0.0.1:8443."
  default     = "443"
}

variable "server_certificate_file" {
  type        = string
  description = "Path of the origin's own TLS certificate (for example a Cloudflare Origin CA certificate)."
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
  default     = "/etc/nginx/cloudflare-authenticated-origin-pull-ca.pem"
}

variable "verify_depth" {
  type        = number
  description = "Maximum client certificate chain depth (ssl_verify_depth)."
  default     = 2
}

variable "location_block" {
  type        = string
  description = "What the server does with accepted requests, as the body of `location /`. With allowed_cidrs it must not use `return` (nginx answers it before checking the allow list): pass the request on, e.g. `proxy_pass http://127.0.0.1:8080;`."
  default     = "return 200 \"ok\\n\";"
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
  description = "Request header that passes the verification verdict (SUCCESS, NONE or FAILED:reason) to the application; \"\" sends none."
  default     = "X-Client-Verify"
}

variable "verdict_log_file" {
  type        = string
  description = "Absolute path of an access log with the verdict and the client certificate's identity; \"\" writes none."
  default     = ""
}
