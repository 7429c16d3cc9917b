# One provider configuration for an estate of tenants (one multi-tenant app registration consented
# in each): tests/e2e/test_e2e_tenants.py drives it through its variables, in terraform.tfvars.json.

variable "tenants" {
  description = "Customer name => tenant id (or domain). The same settings are made in each."
  type        = map(string)
}

variable "existing" {
  description = "Key => { tenant, id } of objects made in the portal, adopted with import blocks."
  type        = map(object({ tenant = string, id = string }))
  default     = {}
}

provider "intune" {} # credentials from AZURE_* (one app, one secret, every tenant)

resource "intune_derived_credential" "baseline" {
  for_each           = var.tenants
  tenant_id          = each.value
  display_name       = "MSP baseline (${each.key})"
  issuer             = "purebred"
  notification_types = ["email", "companyPortal"]
}

resource "intune_derived_credential" "own" { # no tenant_id: the provider's tenant
  display_name = "Provider tenant setting"
  issuer       = "intercede"
}

import {
  for_each = var.existing
  to       = intune_derived_credential.adopted[each.key]
  id       = "${each.value.tenant}/${each.value.id}"
}

resource "intune_derived_credential" "adopted" {
  for_each     = var.existing
  tenant_id    = each.value.tenant
  display_name = "Made in the portal (${each.key})"
  issuer       = "xTec"
}

data "intune_derived_credentials" "per_tenant" {
  for_each   = var.tenants
  tenant_id  = each.value
  depends_on = [intune_derived_credential.baseline, intune_derived_credential.adopted]
}

output "ids_per_tenant" {
  value = { for k, d in data.intune_derived_credentials.per_tenant : k => d.ids }
}

output "own_tenant" {
  value = intune_derived_credential.own.tenant_id
}
