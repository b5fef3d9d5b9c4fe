terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

# Staged rollout: serve everyone, but tell the application and the log who
# came with Cloudflare's certificate. Switch mode to "on" once the log shows
# only SUCCESS.
output "nginx_server_block" {
  value = <<-EOT
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate     /etc/nginx/app.example.com.pem;
        ssl_certificate_key /etc/nginx/app.example.com.key;

        ${indent(4, trimspace(provider::cfaop::nginx_client_verification("/etc/nginx/cloudflare-aop-ca.pem", 1, "optional", "X-Client-Verify", "/var/log/nginx/aop.log")))}

        location / {
            proxy_pass http://127.0.0.1:8080;
        }
    }
  EOT
}
