output "ca_bundle_pem" {
  description = "The trust bundle to install at var.ca_file."
  value       = local.bundle.pem
}

output "ca_fingerprints" {
  description = "SHA-256 fingerprints of the trusted certificates, so a change shows in the plan."
  value       = local.bundle.fingerprints
}

output "ca_file" {
  description = "Where the bundle must be installed."
  value       = var.ca_file
}

output "server_block" {
  description = "The nginx server block: TLS with client certificates signed by the trusted CAs (required, or reported in optional mode), and the allow list when allowed_cidrs is set."

  precondition {
    # nginx runs `return` in its rewrite phase, before the access phase in
    # which allow and deny are checked: the allow list would never apply.
    condition     = length(var.allowed_cidrs) == 0 || !can(regex("(^|[;{}[:space:]])return[[:space:]]", var.location_block))
    error_message = "With allowed_cidrs set, location_block must not answer with `return`: nginx handles `return` before it checks allow and deny, so the allow list would not apply. Pass the request on instead, e.g. location_block = \"proxy_pass http://127.0.0.1:8080;\"."
  }
  value = <<-EOT
    server {
        listen ${var.listen} ssl;
        server_name ${var.server_name};

        ssl_certificate     ${var.server_certificate_file};
        ssl_certificate_key ${var.server_key_file};
        # nginx 1.22 leaves TLS 1.3 out of its defaults.
        ssl_protocols       TLSv1.2 TLSv1.3;

        ${indent(4, trimspace(provider::cfaop::nginx_client_verification(var.ca_file, var.verify_depth, var.verification_mode, var.verdict_header, var.verdict_log_file)))}

        ${indent(4, local.allow_list)}

        location / {
            ${var.location_block}
        }
    }
  EOT
}

output "http_snippet" {
  description = "For nginx's http block: the log format verdict_log_file is written in."
  value       = <<-EOT
    log_format cfaop_verdict '$remote_addr [$time_local] "$request" $status verify=$ssl_client_verify fingerprint=$ssl_client_fingerprint subject="$ssl_client_s_dn"';
  EOT
}

output "nftables_ruleset" {
  description = "nftables ruleset (nft -f) that admits only allowed_cidrs to the listen port; null without allowed_cidrs."
  value       = length(var.allowed_cidrs) > 0 ? provider::cfaop::nftables_allow_list(var.allowed_cidrs, [local.port]) : null
}
