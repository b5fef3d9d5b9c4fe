terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

# Fail closed, tell the application the verdict and log it with the
# certificate's serial number and subject.
output "apache_directives" {
  value = provider::cfaop::apache_client_verification("/etc/apache2/cloudflare-aop-ca.pem", 1, "on", "X-Client-Verify", "/var/log/apache2/aop.log")
}
