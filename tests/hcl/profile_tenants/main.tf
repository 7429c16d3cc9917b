# One provider block, a setting and a profile per tenant (`for_each` with resource-level tenant_id).

variable "tenants" {
  type = map(string)
}

resource "intune_derived_credential" "per_tenant" {
  for_each     = var.tenants
  tenant_id    = each.value
  display_name = "Derived credentials (${each.key})"
  issuer       = "intercede"
}

resource "intune_ios_derived_credential_profile" "per_tenant" {
  for_each              = var.tenants
  tenant_id             = each.value
  display_name          = "iOS derived credential (${each.key})"
  derived_credential_id = intune_derived_credential.per_tenant[each.key].id

  assignment {
    target = "all_licensed_users"
  }
}

data "intune_ios_derived_credential_profiles" "per_tenant" {
  for_each   = var.tenants
  tenant_id  = each.value
  depends_on = [intune_ios_derived_credential_profile.per_tenant]
}

output "profile_ids" {
  value = { for k, d in data.intune_ios_derived_credential_profiles.per_tenant : k => d.ids }
}
