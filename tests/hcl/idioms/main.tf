# Idioms users write on day one: count with templates and arithmetic, for_each over a set and over a
# map of objects, an attribute built from another resource's id, a sensitive display name, a child
# module with for_each called twice, check blocks and pre/postconditions, and the provider's client
# secret from an ephemeral variable (Terraform 1.10+).

variable "client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "intune" {
  client_secret = var.client_secret
}

# The issue's example, exactly.
resource "intune_derived_credential" "x" {
  count                        = 2
  display_name                 = "Dep ${count.index}"
  issuer                       = "purebred"
  renewal_threshold_percentage = 10 + count.index
}

resource "intune_derived_credential" "by_set" {
  for_each     = toset(["alpha", "beta"])
  display_name = "DC ${each.key}"
  issuer       = "intercede"
  help_url     = "https://help.example.com/${each.key}"
}

variable "tenants" {
  type = map(object({
    issuer    = string
    notify    = set(string)
    threshold = optional(number)
  }))
  default = {
    north = { issuer = "xTec", notify = ["email", "companyPortal"], threshold = 25 }
    south = { issuer = "entrustDatacard", notify = ["none"] }
  }
}

resource "intune_derived_credential" "by_map" {
  for_each                     = var.tenants
  display_name                 = upper("${each.key} settings")
  issuer                       = each.value.issuer
  notification_types           = each.value.notify
  renewal_threshold_percentage = each.value.threshold
}

resource "intune_derived_credential" "base" {
  display_name = "Base"
  issuer       = "purebred"
}

# Unknown at plan time: a refined unknown string (prefix "https://help.example.com/") and an
# unknown element inside a set-valued template.
resource "intune_derived_credential" "from_id" {
  display_name = "Follows ${intune_derived_credential.base.id}"
  issuer       = "purebred"
  help_url     = "https://help.example.com/${intune_derived_credential.base.id}"
  # an unknown element inside a set: decided only once base exists
  notification_types = ["companyPortal", intune_derived_credential.base.id != "" ? "email" : "none"]
  lifecycle {
    precondition {
      condition     = intune_derived_credential.base.issuer == "purebred"
      error_message = "The base settings must be Purebred's."
    }
    postcondition {
      condition     = length(self.id) > 0 && endswith(self.help_url, intune_derived_credential.base.id)
      error_message = "The help URL must end with the base settings' id."
    }
  }
}

variable "secret_name" {
  type      = string
  sensitive = true
}

resource "intune_derived_credential" "secret" {
  display_name = var.secret_name
  issuer       = "xTec"
}

module "team_a" {
  source = "./modules/settings"
  prefix = "Team A"
  names  = ["one", "two"]
}

module "team_b" {
  source = "./modules/settings"
  prefix = "Team B"
  names  = ["one"]
}

check "thresholds" {
  assert {
    condition     = alltrue([for s in intune_derived_credential.x : s.renewal_threshold_percentage >= 10])
    error_message = "Every counted setting renews at 10% or later."
  }
}

output "ids" {
  value = concat(
    intune_derived_credential.x[*].id,
    [for s in intune_derived_credential.by_set : s.id],
    [for s in intune_derived_credential.by_map : s.id],
    [intune_derived_credential.base.id, intune_derived_credential.from_id.id, intune_derived_credential.secret.id],
    module.team_a.ids,
    module.team_b.ids,
  )
}
