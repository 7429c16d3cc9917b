# Phase 2: a renamed address (moved), an object forgotten (removed, destroy = false), the trigger's
# source changed.

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
