locals {
  source_version = "v1"
}

resource "intune_derived_credential" "old_name" {
  display_name = "Moved"
  issuer       = "purebred"
}

resource "intune_derived_credential" "forgotten" {
  display_name = "Forgotten, not destroyed"
  issuer       = "purebred"
}
