# A derived credential setting and the iOS profile that uses it, assigned to two groups with one
# exclusion and an assignment filter: what an Intune administrator builds, as they would write it.

variable "groups" {
  type = map(string)
  default = {
    pilot   = "11111111-1111-4111-8111-111111111111"
    sales   = "22222222-2222-4222-8222-222222222222"
    vip     = "33333333-3333-4333-8333-333333333333"
  }
}

variable "ios_filter" {
  type    = string
  default = "44444444-4444-4444-8444-444444444444"
}

variable "issuer" {
  type    = string
  default = "purebred"
}

resource "intune_derived_credential" "purebred" {
  display_name = "Purebred derived credentials"
  issuer       = var.issuer
}

resource "intune_ios_derived_credential_profile" "ios" {
  display_name          = "iOS derived credential"
  description           = "Managed iPhones use the Purebred credential"
  derived_credential_id = intune_derived_credential.purebred.id

  dynamic "assignment" {
    for_each = toset(["pilot", "sales"])
    content {
      target      = "group"
      group_id    = var.groups[assignment.value]
      filter_id   = assignment.value == "sales" ? var.ios_filter : null
      filter_type = assignment.value == "sales" ? "include" : null
    }
  }

  assignment {
    target   = "exclusion_group"
    group_id = var.groups["vip"]
  }
}

data "intune_ios_derived_credential_profile" "by_name" {
  display_name = intune_ios_derived_credential_profile.ios.display_name
}

data "intune_ios_derived_credential_profiles" "all" {
  depends_on = [intune_ios_derived_credential_profile.ios]
}

output "profile_id" {
  value = intune_ios_derived_credential_profile.ios.id
}

output "setting_id" {
  value = intune_derived_credential.purebred.id
}

output "version" {
  value = intune_ios_derived_credential_profile.ios.version
}

output "read_back_setting" {
  value = data.intune_ios_derived_credential_profile.by_name.derived_credential_id
}

output "read_back_assignments" {
  value = length(data.intune_ios_derived_credential_profile.by_name.assignment)
}

output "all_ids" {
  value = data.intune_ios_derived_credential_profiles.all.ids
}
