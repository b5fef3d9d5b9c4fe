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
  description = "The nginx server block: TLS with mandatory client certificates signed by the trusted CAs."
  value       = <<-EOT
    server {
        listen ${var.listen} ssl;
        server_name ${var.server_name};

        ssl_certificate     ${var.server_certificate_file};
        ssl_certificate_key ${var.server_key_file};
        # nginx 1.22 leaves TLS 1.3 out of its defaults.
        ssl_protocols       TLSv1.2 TLSv1.3;

        ${indent(4, trimspace(provider::cfaop::nginx_client_auth(var.ca_file, var.verify_depth)))}

        location / {
            ${var.location_block}
        }
    }
  EOT
}
