variable "zone_id" {
  type        = string
  description = "ID of the Cloudflare zone the hostnames belong to."
}

variable "hostnames" {
  type        = list(string)
  description = "Hostnames of the zone to bind, e.g. [\"a.example.com\", \"b.example.com\"]."
}

variable "certificates" {
  type = list(object({
    certificate = string
    private_key = string
  }))
  sensitive   = true
  description = "Hostname client certificates (PEM) with their private keys; hostnames[i] uses certificates[i % length]. At most 10 per zone, and 5 when rotating with create_before_destroy; each serves at most 100 hostnames. Keys are write-only, never stored in state."

  validation {
    condition     = nonsensitive(length(var.certificates)) > 0
    error_message = "Give at least one certificate."
  }
}

variable "key_version" {
  type        = number
  description = "Bump when a key changes without its certificate (write-only keys are not compared)."
  default     = 1
}
