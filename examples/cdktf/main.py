"""The documented CDKTF example: one stack, one derived credential settings object, read back with
a data source. Run with the cdktf CLI (`cdktf synth|deploy`, see cdktf.json here), with the CDK
Terrain CLI (`cdktn synth|deploy`, same cdktf.json), or directly with `python main.py` (writes
./cdktf.out); credentials come from the AZURE_* environment variables.

It runs on whichever engine is installed (`pip install 'terraform-provider-intune[cdktf]'` or
`[cdktn]`): `constructs_lib.engine.cdk` is that engine's module. A stack written for one engine only
imports it directly instead (`import cdktf`, or `import cdktn as cdktf`)."""

from constructs import Construct

from constructs_lib import (
    DataIntuneDerivedCredential,
    DerivedCredentialSettings,
    IntuneProvider,
    Issuer,
    NotificationType,
)
from constructs_lib.engine import cdk as cdktf


class Tenant(cdktf.TerraformStack):
    def __init__(self, scope: Construct, name: str) -> None:
        super().__init__(scope, name)
        IntuneProvider(self, "intune")  # credentials come from the environment
        purebred = DerivedCredentialSettings(
            self,
            "purebred",
            display_name="Purebred derived credentials",
            issuer=Issuer.PUREBRED,  # or "purebred"
            help_url="https://example.com/help",
            notification_types=[NotificationType.COMPANY_PORTAL, NotificationType.EMAIL],
            renewal_threshold_percentage=20,
        )
        read_back = DataIntuneDerivedCredential(self, "read_back", id=purebred.id)
        cdktf.TerraformOutput(self, "purebred_id", value=purebred.id)
        cdktf.TerraformOutput(self, "read_back_issuer", value=read_back.issuer)


app = cdktf.App()
Tenant(app, "intune-example")
app.synth()
