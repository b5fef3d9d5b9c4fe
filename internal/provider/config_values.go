package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

// known reports whether a configured value is set and known at plan time.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
