# Adopting a profile made in the portal (and the setting it uses), with its assignments: import
# blocks, then a configuration that matches what the tenant holds plans clean.

variable "setting_id" {
  type = string
}

variable "profile_id" {
  type = string
}

import {
  to = intune_derived_credential.portal
  id = var.setting_id
}

import {
  to = intune_ios_derived_credential_profile.portal
  id = var.profile_id
}

resource "intune_derived_credential" "portal" {
  display_name = "Made in the portal"
  issuer       = "xTec"
}

resource "intune_ios_derived_credential_profile" "portal" {
  display_name          = "Portal iOS profile"
  derived_credential_id = intune_derived_credential.portal.id

  assignment {
    target = "all_devices"
    filter_id   = "55555555-5555-4555-8555-555555555555"
    filter_type = "exclude"
  }

  assignment {
    target   = "exclusion_group"
    group_id = "66666666-6666-4666-8666-666666666666"
  }
}
