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

output "virtual_host" {
  description = "The <VirtualHost> block: TLS with client certificates signed by the trusted CAs (required, or reported in optional mode), and the allow list when allowed_cidrs is set. The header needs mod_headers, the log mod_log_config."
  value       = <<-EOT
    <VirtualHost ${var.listen}>
        ServerName ${var.server_name}
        DocumentRoot "${var.document_root}"

        SSLEngine on
        SSLCertificateFile "${var.server_certificate_file}"
        SSLCertificateKeyFile "${var.server_key_file}"

        ${indent(4, trimspace(provider::cfaop::apache_client_verification(var.ca_file, var.verify_depth, var.verification_mode, var.verdict_header, var.verdict_log_file)))}

        <Directory "${var.document_root}">
            ${indent(8, local.require)}
        </Directory>
    </VirtualHost>
  EOT
}

output "nftables_ruleset" {
  description = "nftables ruleset (nft -f) that admits only allowed_cidrs to the listen port; null without allowed_cidrs."
  value       = length(var.allowed_cidrs) > 0 ? provider::cfaop::nftables_allow_list(var.allowed_cidrs, [local.port]) : null
}
