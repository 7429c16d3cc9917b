# Copied into every case's working directory by tests/e2e/test_e2e_hcl_idioms.py.
terraform {
  required_version = ">= 1.10" # ephemeral variables; removed blocks and import for_each need 1.7
  required_providers {
    intune = {
      source  = "terraform.local/intune/intune"
      version = "0.1.0"
    }
  }
}
