# Credentials come from the environment (CLOUDFLARE_API_TOKEN), never from
# the configuration file.
provider "cfaop" {}

# Against the bundled emulator (make emulator prints these values):
# provider "cfaop" {
#   base_url      = "http://127.0.0.1:8787/client/v4"
#   api_token     = "<the random token make emulator prints>"
#   global_ca_url = "http://127.0.0.1:8787/ssl/static/authenticated_origin_pull_ca.pem"
# }
