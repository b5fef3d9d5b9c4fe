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
  description = "The <VirtualHost> block: TLS with mandatory client certificates signed by the trusted CAs."
  value       = <<-EOT
    <VirtualHost ${var.listen}>
        ServerName ${var.server_name}
        DocumentRoot "${var.document_root}"

        SSLEngine on
        SSLCertificateFile "${var.server_certificate_file}"
        SSLCertificateKeyFile "${var.server_key_file}"

        ${indent(4, trimspace(provider::cfaop::apache_client_auth(var.ca_file, var.verify_depth)))}

        <Directory "${var.document_root}">
            Require all granted
        </Directory>
    </VirtualHost>
  EOT
}
