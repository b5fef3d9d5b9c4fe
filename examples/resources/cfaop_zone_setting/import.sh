# Import by zone ID.
terraform import cfaop_zone_setting.this 023e105f4ecef8ad9ca31a8372d0c353
