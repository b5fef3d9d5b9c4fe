terraform {
  required_providers {
    cfaop = {
      source = "cfaop/cfaop"
    }
  }
}

data "cfaop_ip_ranges" "cloudflare" {}

# Install on the origin and load with `nft -f cloudflare-only.nft`.
output "nftables_ruleset" {
  value = provider::cfaop::nftables_allow_list(data.cfaop_ip_ranges.cloudflare.cidrs, [443])
}
