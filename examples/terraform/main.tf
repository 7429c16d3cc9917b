# Plain Terraform (no CDKTF): one derived credential settings object, read back through the data
# sources. Install the provider first (`pip install terraform-provider-intune`, no extra needed),
# then `intune-provider install --dir DIR` and
# `export TF_CLI_CONFIG_FILE=DIR/terraform.rc`; credentials come from AZURE_* variables.

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

variable "display_name" {
  type        = string
  description = "Display name of the settings object."
  default     = "Purebred derived credentials"
}

variable "issuer" {
  type        = string
  description = "Derived credential provider: intercede, entrustDatacard, purebred or xTec."
  default     = "purebred"

  validation {
    condition     = contains(["intercede", "entrustDatacard", "purebred", "xTec"], var.issuer)
    error_message = "issuer must be one of intercede, entrustDatacard, purebred, xTec."
  }
}

resource "intune_derived_credential" "example" {
  display_name                 = var.display_name
  issuer                       = var.issuer
  help_url                     = "https://example.com/help"
  notification_types           = ["companyPortal", "email"]
  renewal_threshold_percentage = 20
}

data "intune_derived_credential" "example" {
  id = intune_derived_credential.example.id
}

data "intune_derived_credentials" "same_issuer" {
  issuer     = var.issuer
  depends_on = [intune_derived_credential.example]
}

output "id" {
  description = "Graph id of the settings object."
  value       = intune_derived_credential.example.id
}

output "read_back" {
  description = "The object as Graph holds it, through the data source."
  value       = data.intune_derived_credential.example
}

output "same_issuer_ids" {
  description = "Ids of every object of the same issuer."
  value       = data.intune_derived_credentials.same_issuer.ids
}
