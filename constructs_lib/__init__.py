"""CDKTF constructs for Microsoft Intune derived credential settings.

Example::

    import cdktf
    from constructs_lib import DerivedCredentialSettings, IntuneProvider, Issuer

    app = cdktf.App()
    stack = cdktf.TerraformStack(app, "intune-example")
    IntuneProvider(stack, "intune")  # credentials from AZURE_* environment variables
    settings = DerivedCredentialSettings(
        stack, "purebred", display_name="Purebred", issuer=Issuer.PUREBRED
    )
    cdktf.TerraformOutput(stack, "purebred_id", value=settings.id)
    app.synth()
"""

from constructs_lib.derived_credential import DerivedCredentialSettings
from constructs_lib.provider import IntuneProvider
from intune_model import Issuer, NotificationType, SettingsInvalid
from intune_model.address import PROVIDER_VERSION

__version__ = PROVIDER_VERSION

__all__ = [
    "DerivedCredentialSettings",
    "IntuneProvider",
    "Issuer",
    "NotificationType",
    "SettingsInvalid",
    "__version__",
]
