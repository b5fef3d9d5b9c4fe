terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

# Directives for the server block of a hostname proxied by Cloudflare. The
# CA file holds provider::cfaop::origin_trust_bundle(...).pem.
output "nginx_client_auth" {
  value = provider::cfaop::nginx_client_auth("/etc/nginx/cloudflare-aop-ca.pem", 1)
}

# Embedded in a whole server block:
output "nginx_server_block" {
  value = <<-EOT
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate     /etc/nginx/app.example.com.pem;
        ssl_certificate_key /etc/nginx/app.example.com.key;

        ${indent(4, trimspace(provider::cfaop::nginx_client_auth("/etc/nginx/cloudflare-aop-ca.pem", 1)))}
    }
  EOT
}
