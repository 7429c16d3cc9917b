# Command-line idioms: import blocks with for_each, -target, -refresh-only, -replace, state mv and
# state rm, workspaces (each workspace its own objects, named after it).

provider "intune" {}

variable "existing" {
  type        = map(string)
  description = "Objects made outside Terraform, by key: their Graph ids."
  default     = {}
}

# Adopted in the default workspace only: other workspaces make their own objects.
locals {
  adopt = terraform.workspace == "default" ? var.existing : {}
}

import {
  for_each = local.adopt
  to       = intune_derived_credential.adopted[each.key]
  id       = each.value
}

resource "intune_derived_credential" "adopted" {
  for_each     = local.adopt
  display_name = "Adopted ${each.key}"
  issuer       = "purebred"
}

resource "intune_derived_credential" "first" {
  display_name = "First in ${terraform.workspace}"
  issuer       = "xTec"
}

resource "intune_derived_credential" "second" {
  display_name = "Second in ${terraform.workspace}"
  issuer       = "intercede"
  help_url     = "https://help.example.com/${intune_derived_credential.first.id}"
}
