data "cfaop_ip_ranges" "cloudflare" {}

# Accept connections to the origin only from Cloudflare's edge, as a second
# layer behind Authenticated Origin Pulls.
output "nginx_allow_list" {
  value = join("\n", concat(
    [for cidr in data.cfaop_ip_ranges.cloudflare.cidrs : "allow ${cidr};"],
    ["deny all;"],
  ))
}

# Changes when Cloudflare publishes new ranges.
output "cloudflare_ip_ranges_etag" {
  value = data.cfaop_ip_ranges.cloudflare.etag
}
