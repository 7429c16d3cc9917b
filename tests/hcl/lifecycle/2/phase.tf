locals {
  source_version = "v2"
}

moved {
  from = intune_derived_credential.old_name
  to   = intune_derived_credential.new_name
}

resource "intune_derived_credential" "new_name" {
  display_name = "Moved"
  issuer       = "purebred"
}

removed {
  from = intune_derived_credential.forgotten
  lifecycle {
    destroy = false
  }
}
