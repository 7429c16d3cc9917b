# A child module that creates one settings object per name.

terraform {
  required_providers {
    intune = {
      source = "terraform.local/intune/intune"
    }
  }
}

variable "prefix" {
  type = string
}

variable "names" {
  type = set(string)
}

resource "intune_derived_credential" "this" {
  for_each           = var.names
  display_name       = "${var.prefix} ${each.key}"
  issuer             = "purebred"
  notification_types = ["email"]
}

output "ids" {
  value = [for s in intune_derived_credential.this : s.id]
}
