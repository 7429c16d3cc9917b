# From setting to device, in plain Terraform: a derived credential setting, the iOS/iPadOS
# "Derived credential" profile that uses it, and the profile's assignments (two groups, one of them
# narrowed by an assignment filter, and one excluded group). Every variable has a default, so it
# applies as it is against the local emulator (`intune-provider emulator`, or `make deploy`'s one);
# against a tenant, give your own group and filter ids.
#
# Install the provider (`intune-provider install --dir DIR`, then
# `export TF_CLI_CONFIG_FILE=DIR/terraform.rc`); credentials come from AZURE_* variables.

terraform {
  required_version = ">= 1.5"
  required_providers {
    intune = {
      source  = "terraform.local/intune/intune"
      version = "0.1.0"
    }
  }
}

provider "intune" {}

variable "issuer" {
  type        = string
  description = "Derived credential provider: intercede, entrustDatacard, purebred or xTec."
  default     = "purebred"
}

variable "include_groups" {
  type        = map(string)
  description = "Microsoft Entra groups that get the profile, by a name of your choice."
  default = {
    pilot = "5f1c1e0e-8d4b-4c55-9a36-1d7b0c3b9a01"
    sales = "0b7a8f3e-2c1d-4e5f-8a9b-1c2d3e4f5a6b"
  }
}

variable "filtered_group" {
  type        = string
  description = "The key of include_groups whose assignment is narrowed by corporate_filter_id."
  default     = "sales"
}

variable "corporate_filter_id" {
  type        = string
  description = "Id of an Intune assignment filter (e.g. corporate-owned iPhones)."
  default     = "9a3b6c2d-1e4f-4a5b-8c7d-6e5f4a3b2c1d"
}

variable "excluded_group" {
  type        = string
  description = "A group that never gets the profile, whatever includes it."
  default     = "7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f"
}

resource "intune_derived_credential" "this" {
  display_name       = "Derived credentials (${var.issuer})"
  issuer             = var.issuer
  help_url           = "https://example.com/help"
  notification_types = ["companyPortal"]
}

resource "intune_ios_derived_credential_profile" "this" {
  display_name          = "iOS derived credential"
  description           = "Managed iPhones and iPads authenticate with the derived credential"
  derived_credential_id = intune_derived_credential.this.id

  dynamic "assignment" {
    for_each = var.include_groups
    content {
      target      = "group"
      group_id    = assignment.value
      filter_id   = assignment.key == var.filtered_group ? var.corporate_filter_id : null
      filter_type = assignment.key == var.filtered_group ? "include" : null
    }
  }

  assignment {
    target   = "exclusion_group"
    group_id = var.excluded_group
  }
}

data "intune_ios_derived_credential_profile" "read_back" {
  id = intune_ios_derived_credential_profile.this.id
}

output "setting_id" {
  description = "Graph id of the derived credential setting."
  value       = intune_derived_credential.this.id
}

output "profile_id" {
  description = "Graph id of the profile."
  value       = intune_ios_derived_credential_profile.this.id
}

output "profile_version" {
  description = "Graph's version of the profile (raised on every change)."
  value       = intune_ios_derived_credential_profile.this.version
}

output "assigned_targets" {
  description = "The assignments as Graph holds them, through the data source."
  value       = [for a in data.intune_ios_derived_credential_profile.read_back.assignment : a.target]
}
