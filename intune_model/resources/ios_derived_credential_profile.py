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
)
