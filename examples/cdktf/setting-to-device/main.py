"""From setting to device, in CDKTF: a derived credential setting, the iOS/iPadOS "Derived credential"
profile that uses it (its `derived_credential_id` is the setting's `id` token, so Terraform creates
the setting first and re-binds the profile when the setting is replaced), assigned to two groups
with an assignment filter and one exclusion; then one profile per team with `for_each`.

Every variable has a default, so `cdktf deploy intune-setting-to-device` applies as it is (against
the local emulator: `make emulator` prints the AZURE_* and INTUNE_GRAPH_ENDPOINT to export).
Override the group ids with `TF_VAR_groups='{"pilot": "<id>", ...}'` for a real tenant.
"""

from constructs import Construct

from constructs_lib import (
    AssignmentTarget,
    DataIntuneIosDerivedCredentialProfile,
    DerivedCredentialSettings,
    IntuneProvider,
    IosDerivedCredentialProfile,
    Issuer,
    NotificationType,
)
from constructs_lib.engine import cdk as cdktf

GROUPS = {  # Microsoft Entra group object ids (made-up ones: the emulator takes any GUID)
    "pilot": "11111111-1111-4111-8111-111111111111",
    "sales": "22222222-2222-4222-8222-222222222222",
    "vip": "33333333-3333-4333-8333-333333333333",
}
IOS_FILTER = "44444444-4444-4444-8444-444444444444"  # an assignment filter matching iOS devices
TEAMS = {"field": "55555555-5555-4555-8555-555555555555", "office": "66666666-6666-4666-8666-666666666666"}


class SettingToDevice(cdktf.TerraformStack):
    def __init__(self, scope: Construct, name: str) -> None:
        super().__init__(scope, name)
        IntuneProvider(self, "intune")  # credentials come from the environment
        groups = cdktf.TerraformVariable(self, "groups", type="map(string)", default=GROUPS)
        ios_filter = cdktf.TerraformVariable(self, "ios_filter", type="string", default=IOS_FILTER)
        teams = cdktf.TerraformVariable(self, "teams", type="map(string)", default=TEAMS)

        purebred = DerivedCredentialSettings(
            self,
            "purebred",
            display_name="Purebred derived credentials",
            issuer=Issuer.PUREBRED,
            notification_types=[NotificationType.COMPANY_PORTAL],
        )
        ios = IosDerivedCredentialProfile(
            self,
            "ios",
            display_name="iOS derived credential",
            description="Managed iPhones use the Purebred credential",
            derived_credential_id=purebred.id,  # a token: Terraform orders the two
            assignment=[
                {"target": AssignmentTarget.GROUP, "group_id": cdktf.Fn.lookup(groups.value, "pilot")},
                {
                    "target": AssignmentTarget.GROUP,
                    "group_id": cdktf.Fn.lookup(groups.value, "sales"),
                    "filter_id": ios_filter.string_value,
                    "filter_type": "include",
                },
                {
                    "target": AssignmentTarget.EXCLUSION_GROUP,
                    "group_id": cdktf.Fn.lookup(groups.value, "vip"),
                },
            ],
        )

        # One profile per team, each assigned to its team's group.
        team = cdktf.TerraformIterator.from_map(cdktf.Token.as_any_map(teams.value))
        IosDerivedCredentialProfile(
            self,
            "per_team",
            for_each=team,
            display_name=cdktf.Fn.format("iOS derived credential (%s)", [team.key]),
            derived_credential_id=purebred.id,
            assignment=[{"target": AssignmentTarget.GROUP, "group_id": team.value}],
        )

        read_back = DataIntuneIosDerivedCredentialProfile(self, "read_back", id=ios.id)
        cdktf.TerraformOutput(self, "setting_id", value=purebred.id)
        cdktf.TerraformOutput(self, "profile_id", value=ios.id)
        cdktf.TerraformOutput(self, "profile_version", value=ios.version)
        cdktf.TerraformOutput(self, "read_back_setting_id", value=read_back.derived_credential_id)


app = cdktf.App()
SettingToDevice(app, "intune-setting-to-device")
app.synth()
