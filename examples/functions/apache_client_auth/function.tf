terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

# The directives go inside the <VirtualHost> of each hostname proxied by
# Cloudflare, so other virtual hosts on the same server stay open. They
# cannot be limited to a <Directory>: the client certificate is checked in
# the TLS handshake. The CA file holds
# provider::cfaop::origin_trust_bundle(...).pem.
output "apache_virtual_host" {
  value = <<-EOT
    <VirtualHost *:443>
        ServerName app.example.com
        SSLEngine on
        SSLCertificateFile "/etc/apache2/app.example.com.pem"
        SSLCertificateKeyFile "/etc/apache2/app.example.com.key"

        ${indent(4, trimspace(provider::cfaop::apache_client_auth("/etc/apache2/cloudflare-aop-ca.pem", 1)))}
    </VirtualHost>
  EOT
}
