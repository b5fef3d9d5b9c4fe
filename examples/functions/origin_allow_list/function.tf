terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

data "cfaop_ip_ranges" "cloudflare" {}

# allow ...; for every Cloudflare range, then deny all;
output "nginx_allow_list" {
  value = provider::cfaop::origin_allow_list("nginx", data.cfaop_ip_ranges.cloudflare.cidrs)
}

# Require ip ... for a <Directory> or <Location> block.
output "apache_allow_list" {
  value = provider::cfaop::origin_allow_list("apache", data.cfaop_ip_ranges.cloudflare.cidrs)
}
