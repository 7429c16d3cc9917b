# An override file: merged into main.tf's block, lifting only the destroy guard.
resource "intune_derived_credential" "guarded" {
  lifecycle {
    prevent_destroy = false
  }
}
