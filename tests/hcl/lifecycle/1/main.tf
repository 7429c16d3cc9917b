# Phase 1: every lifecycle rule in place.

resource "intune_derived_credential" "old_name" {
  display_name = "Moved"
  issuer       = "purebred"
}

resource "intune_derived_credential" "forgotten" {
  display_name = "Forgotten, not destroyed"
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
  display_name = "Source v1"
  issuer       = "intercede"
}

resource "intune_derived_credential" "triggered" {
  display_name = "Replaced when the source changes"
  issuer       = "intercede"
  lifecycle {
    replace_triggered_by = [intune_derived_credential.source.display_name]
  }
}

resource "intune_derived_credential" "before" {
  display_name = "Created before destroyed"
  issuer       = "entrustDatacard"
  lifecycle {
    create_before_destroy = true
  }
}

resource "intune_derived_credential" "guarded" {
  display_name = "Guarded"
  issuer       = "purebred"
  lifecycle {
    prevent_destroy = true
  }
}
