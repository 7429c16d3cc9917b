# Phase 3: the guard lifted, so destroy may proceed.

resource "intune_derived_credential" "new_name" {
  display_name = "Moved"
  issuer       = "purebred"
}

resource "intune_derived_credential" "portal_edited" {
  display_name = "Edited in the portal"
  issuer       = "xTec"
  lifecycle {
    ignore_changes = [display_name]
  }
}

resource "intune_derived_credential" "source" {
  display_name = "Source v2"
  issuer       = "intercede"
}

resource "intune_derived_credential" "triggered" {
  display_name = "Replaced when the source changes"
  issuer       = "intercede"
}

resource "intune_derived_credential" "before" {
  display_name = "Created before destroyed"
  issuer       = "entrustDatacard"
}

resource "intune_derived_credential" "guarded" {
  display_name = "Guarded"
  issuer       = "purebred"
}
