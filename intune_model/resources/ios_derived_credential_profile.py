"""`iosDerivedCredentialAuthenticationConfiguration` (Graph beta): the iOS/iPadOS "Derived credential"
profile, which points devices at a derived credential setting and is assigned to groups.

It lives in the mixed collection `/deviceManagement/deviceConfigurations` (beside every other device
configuration type), so lists are cast to its type. Its setting is a relationship
(`derivedCredentialSettings`), bound by id; its assignments are written by `POST …/{id}/assign`.
Sources: tests/fixtures/graph_docs/README.md.
"""

from __future__ import annotations

from intune_model.assignments import assignments_kind
from intune_model.resources.derived_credential import SPEC as DERIVED_CREDENTIAL
from intune_model.schema import Boolean, Counter, DateTime, Field, Reference, ResourceSpec, String, StringSet

SPEC = ResourceSpec(
    name="ios_derived_credential_profile",
    plural="ios_derived_credential_profiles",
    title="iOS derived credential profile",
    collection_path="/deviceManagement/deviceConfigurations",
    odata_type="#microsoft.graph.iosDerivedCredentialAuthenticationConfiguration",
    mixed_collection=True,
    description="Intune iOS/iPadOS derived credential profile (Microsoft Graph beta "
    "`iosDerivedCredentialAuthenticationConfiguration`), with its assignments.",
    model_name="IosDerivedCredentialProfile",
    permission="DeviceManagementConfiguration.ReadWrite.All",
    docs_url="https://learn.microsoft.com/en-us/graph/api/resources/"
    "intune-deviceconfig-iosderivedcredentialauthenticationconfiguration?view=graph-rest-beta",
    fields=(
        Field(
            "display_name",
            "displayName",
            String(),
            "Name shown to administrators. Must not be blank.",
            required=True,
            example="iOS derived credential",
        ),
        Field(
            "description",
            "description",
            String(blank_ok=True),
            "Description shown to administrators.",
            example="Purebred credentials for managed iPhones",
        ),
        Field(
            "derived_credential_id",
            "derivedCredentialSettings",
            Reference(target=DERIVED_CREDENTIAL),
            "Id of the derived credential setting the profile uses: "
            "`intune_derived_credential.<name>.id`. Changing it re-binds the profile in place.",
            required=True,
            example="4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a",
        ),
        Field(
            "role_scope_tag_ids",
            "roleScopeTagIds",
            StringSet(noun="scope tag id"),
            "Ids of the scope tags of the profile; a set. Graph sets `0` (Default) when left out.",
            example=["0"],
            server_default=["0"],
        ),
        Field(
            "assignment",
            "assignments",
            assignments_kind(),
            "Who gets the profile: one `assignment` block per target, a set (order never matters). "
            "No block means no assignment: assignments made in the portal are then removed on apply.",
        ),
        Field(
            "version",
            "version",
            Counter(),
            "Version of the profile; Graph raises it on every change.",
            read_only=True,
        ),
        Field(
            "created_date_time",
            "createdDateTime",
            DateTime(stamped="create"),
            "When the profile was created (ISO 8601, UTC).",
            read_only=True,
        ),
        Field(
            "last_modified_date_time",
            "lastModifiedDateTime",
            DateTime(),
            "When the profile was last changed (ISO 8601, UTC).",
            read_only=True,
        ),
        Field(
            "supports_scope_tags",
            "supportsScopeTags",
            Boolean(),
            "Whether the profile takes scope tags (false only for legacy profiles).",
            read_only=True,
            server_default=True,
        ),
    ),
    lookup_field="display_name",
    adoption_key="display_name",
    list_filters=(),
    lookup_phrase="named",
    extra={
        "resource_example": """resource "intune_derived_credential" "purebred" {
  display_name = "Purebred derived credentials"
  issuer       = "purebred"
}

resource "intune_ios_derived_credential_profile" "ios" {
  display_name          = "iOS derived credential"
  description           = "Managed iPhones use the Purebred credential"
  derived_credential_id = intune_derived_credential.purebred.id

  assignment {
    target   = "group"
    group_id = "5f1c1e0e-8d4b-4c55-9a36-1d7b0c3b9a01" # pilot users
  }

  assignment {
    target      = "group"
    group_id    = "0b7a8f3e-2c1d-4e5f-8a9b-1c2d3e4f5a6b" # sales
    filter_id   = "9a3b6c2d-1e4f-4a5b-8c7d-6e5f4a3b2c1d" # corporate iPhones
    filter_type = "include"
  }

  assignment {
    target   = "exclusion_group"
    group_id = "7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f" # executives
  }
}""",
        "resource_notes": """## The setting and the assignments

- `derived_credential_id` takes `intune_derived_credential.<name>.id`: Terraform creates the setting
  first and destroys it last. Graph binds it with `derivedCredentialSettings@odata.bind` (the
  setting's URL) in the POST and in a PATCH when it changes, and reads it with
  `$expand=derivedCredentialSettings($select=id)`; a replaced setting re-binds the profile in place.
- Assignments live in the profile, as `assignment` blocks: Graph writes them all at once
  (`POST …/{id}/assign` replaces the whole set), so one owner per profile is the only way they cannot
  fight. They are read with `$expand=assignments`. A set: order never matters.
- Checked at `terraform validate`: group and filter ids are GUIDs; `group_id` only with `group` and
  `exclusion_group`, and required there; `filter_id` and `filter_type` together, never on an
  `exclusion_group`; `all_licensed_users` and `all_devices` once each; a group once only (Intune
  refuses several assignments of one group).
- Drift: a portal change of a field you set, or of the assignments, shows in the plan and the next
  apply sets it back (assignments removed in the portal are assigned again; ones added there are
  removed). `version`, `created_date_time`, `last_modified_date_time` and `supports_scope_tags` are
  Graph's; `version` and `last_modified_date_time` are unknown in a plan that changes the profile.""",
        "import_section": """## Import

Import by the profile's Graph id (`<tenant>/<id>` from another tenant); its assignments come with it:

```terraform
import {
  to = intune_ios_derived_credential_profile.ios
  id = "01713f58-3f58-0171-583f-7101583f7101"
}
```

Import the setting it uses too (or point `derived_credential_id` at one you manage), and write one
`assignment` block per assignment the portal shows; the plan is then clean.""",
        "one_example": """data "intune_ios_derived_credential_profile" "ios" {
  display_name = "iOS derived credential"   # exact; or: id = "<graph id>"
}

output "ios_profile_setting" {
  value = data.intune_ios_derived_credential_profile.ios.derived_credential_id
}""",
        "all_example": """data "intune_ios_derived_credential_profiles" "all" {}

locals {
  ios_profiles = data.intune_ios_derived_credential_profiles.all.ios_derived_credential_profiles
}

output "ios_profile_names" {
  value = [for p in local.ios_profiles : p.display_name]
}""",
        "all_notes": """Lists only this type: the mixed collection is read cast to it
(`GET /deviceManagement/deviceConfigurations/` followed by
`microsoft.graph.iosDerivedCredentialAuthenticationConfiguration`), with `$expand` of the
setting and the assignments; every page is read.""",
    },
)
