"""`deviceManagementDerivedCredentialSettings` (Graph beta), described once.

Every consumer derives from `SPEC`: the provider's resource and data sources, the handler, lost-create
adoption, `intune-provider export`, the emulator's collection, the docs pages and the construct's
fields. A new Graph field is one `Field` here (see CONTRIBUTING.md).
"""

from __future__ import annotations

import enum

from intune_model.schema import Enum, Field, Flags, Number, ResourceSpec, String, Url


class Issuer(enum.StrEnum):
    """Derived credential providers Intune supports (Graph enum `deviceManagementDerivedCredentialIssuer`)."""

    INTERCEDE = "intercede"
    ENTRUST_DATACARD = "entrustDatacard"
    PUREBRED = "purebred"
    X_TEC = "xTec"


class NotificationType(enum.StrEnum):
    """How users are told to enrol (Graph flags enum `deviceManagementDerivedCredentialNotificationType`)."""

    NONE = "none"
    COMPANY_PORTAL = "companyPortal"
    EMAIL = "email"


ISSUER_VALUES = tuple(m.value for m in Issuer)
NOTIFICATION_VALUES = tuple(m.value for m in NotificationType)

SPEC = ResourceSpec(
    name="derived_credential",
    plural="derived_credentials",
    title="derived credential settings",
    collection_path="/deviceManagement/derivedCredentials",
    odata_type="#microsoft.graph.deviceManagementDerivedCredentialSettings",
    description="Intune derived credential settings (Microsoft Graph beta "
    "`deviceManagementDerivedCredentialSettings`).",
    model_name="DerivedCredentialSettings",
    permission="DeviceManagementServiceConfig.ReadWrite.All",
    docs_url="https://learn.microsoft.com/en-us/graph/api/resources/"
    "intune-rapolicy-devicemanagementderivedcredentialsettings?view=graph-rest-beta",
    fields=(
        Field(
            "display_name",
            "displayName",
            String(),
            "Name shown to administrators. Must not be blank.",
            required=True,
            example="Purebred derived credentials",
        ),
        Field(
            "issuer",
            "issuer",
            Enum(allowed=ISSUER_VALUES, noun="an issuer"),
            "Derived credential provider.",
            required=True,
            example="purebred",
        ),
        Field(
            "help_url",
            "helpUrl",
            Url(),
            "Absolute http(s) URL of the help page the Company Portal shows.",
            example="https://example.com/help",
        ),
        Field(
            "notification_types",
            "notificationType",
            Flags(allowed=NOTIFICATION_VALUES, noun="notification type", none=NotificationType.NONE.value),
            "How users are notified to enrol; a set. `none` cannot be combined with others.",
            example=["companyPortal", "email"],
            server_default=[NotificationType.NONE.value],
        ),
        Field(
            "renewal_threshold_percentage",
            "renewalThresholdPercentage",
            Number(minimum=0, maximum=100),
            "Percentage (0 to 100) of the credential's validity left when renewal starts.",
            example=20,
            server_default=0,
        ),
    ),
    lookup_field="display_name",
    adoption_key="display_name",
    list_filters=("issuer",),
    lookup_phrase="named",
    extra={
        "resource_example": """resource "intune_derived_credential" "purebred" {
  display_name                 = "Purebred derived credentials"
  issuer                       = "purebred"
  help_url                     = "https://example.com/help"
  notification_types           = ["companyPortal", "email"]
  renewal_threshold_percentage = 20
}

output "purebred_id" {
  value = intune_derived_credential.purebred.id
}""",
        "resource_notes": """## How drift is judged

- Only fields you set are compared: values Graph holds for fields you leave out (server defaults
  such as `notificationType: none`, or values set in the portal) never cause a diff.
- `notification_types` is a set: `["email", "companyPortal"]` equals Graph's `"companyPortal,email"`,
  and `["none"]` equals `[]`.
- Removing an optional argument stops managing it; `help_url` is then cleared on Graph,
  `notification_types` and `renewal_threshold_percentage` (not nullable on Graph) are left as they are.
- An object deleted outside Terraform is planned for creation again.
- An enum member the provider does not know (Graph adds members such as `unknownFutureValue`) is
  kept as Graph answered it, so it shows as drift and apply sets your value back; import keeps it.
- Spellings are exact: `entrustDataCard` (Microsoft365DSC's spelling, from another Graph enum),
  `Purebred` or `CompanyPortal` are refused with "did you mean 'entrustDatacard'?", so state always
  equals configuration.
- An answer the provider cannot read (no `id`, a required property missing, a value of the wrong
  type) fails with Graph's `request-id` and writes nothing to state; the documented wrapped GET body
  `{"value": {...}}` is read.""",
        "update_notes": "Microsoft documents `PATCH` of this resource (200 with the object); "
        "Microsoft365DSC reports that updates are not supported and creates a new object instead.",
        "import_section": """## Import

Import an existing object by its Graph id (Intune admin center, `intune-provider list`, or
`GET /beta/deviceManagement/derivedCredentials`). With an `import` block (Terraform 1.5+), Terraform
can write the resource block for you:

```terraform
import {
  to = intune_derived_credential.purebred
  id = "4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a"
}
```

```sh
terraform plan -generate-config-out=generated.tf   # writes resource "intune_derived_credential" "purebred"
terraform apply                                     # imports; nothing is created or changed
```

Or with the command:

```sh
terraform import intune_derived_credential.purebred 4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a
```

From a tenant other than the provider's, prefix the tenant (directory id or domain):
`contoso.onmicrosoft.com/4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a`; state then records `tenant_id`. With
`for_each` over tenants, an `import` block can take its id from the same map:

```terraform
import {
  for_each = var.existing # key => { tenant = "...", id = "..." }
  to       = intune_derived_credential.per_tenant[each.key]
  id       = "${each.value.tenant}/${each.value.id}"
}
```

Import keeps every field whose value differs from Graph's default, so the generated block plans
clean; a configuration that leaves out a field set in the portal shows that difference on the first
plan. To adopt a whole tenant at once, `intune-provider export` writes a stack configuration with an
import id per object.""",
        "one_example": """data "intune_derived_credential" "portal" {
  display_name = "Set up in the portal"   # exact, case-sensitive; or: id = "<graph id>"
}

output "portal_issuer" {
  value = data.intune_derived_credential.portal.issuer
}""",
        "one_notes": """## Errors

- No object matches: `No derived credential settings named '<name>'` (or `with id '<id>'`).
- Several objects share the display name: `<n> derived credential settings are named '<name>'`, with
  their ids; look one up by `id` instead.
- Both or neither of `id` and `display_name` set: refused by `terraform validate`.""",
        "all_example": """data "intune_derived_credentials" "purebred" {
  issuer = "purebred"   # optional: leave out to list every object
}

output "purebred_ids" {
  value = data.intune_derived_credentials.purebred.ids
}

output "purebred_names" {
  value = [for s in data.intune_derived_credentials.purebred.derived_credentials : s.display_name]
}""",
        "all_notes": """The issuer filter is sent to Graph (`$filter=issuer eq '...'`); every
page of the collection is read. The list is sorted by display name then id, so it is stable between plans.""",
    },
)
