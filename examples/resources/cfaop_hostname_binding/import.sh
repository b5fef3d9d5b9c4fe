# Import by zone ID and hostname.
terraform import cfaop_hostname_binding.app 023e105f4ecef8ad9ca31a8372d0c353/app.example.com
