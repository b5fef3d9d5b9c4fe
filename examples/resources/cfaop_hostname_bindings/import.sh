# Import by zone ID and the comma-separated hostnames to manage; refresh reads
# the certificate each is bound to.
terraform import cfaop_hostname_bindings.this 023e105f4ecef8ad9ca31a8372d0c353/app.example.com,api.example.com
