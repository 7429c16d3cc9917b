# Every lifecycle rule; the phase directories add what changes between applies:
# 1/ the objects as first made, 2/ a renamed address (moved), an object forgotten (removed with
# destroy = false) and the trigger's source changed, 3/ the destroy guard lifted (an override file).

provider "intune" {}

resource "intune_derived_credential" "portal_edited" {
  display_name = "Edited in the portal"
  issuer       = "xTec"
  lifecycle {
    ignore_changes = [display_name]
  }
}

resource "intune_derived_credential" "source" {
  display_name = "Source ${local.source_version}"
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
