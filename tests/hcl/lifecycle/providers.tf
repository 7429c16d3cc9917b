terraform {
  required_providers {
    intune = {
      source  = "terraform.local/intune/intune"
      version = "0.1.0"
    }
  }
}

provider "intune" {}
