# Import by zone ID and certificate ID. Then add the matching private key to
# the configuration: that plans no replacement.
terraform import cfaop_hostname_certificate.app 023e105f4ecef8ad9ca31a8372d0c353/2458ce5a-0c35-4c7f-82c7-8e9487d3ff60
