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

The constructs run on a CDK engine that is an extra of this package, not a dependency of the
provider: `pip install 'terraform-provider-intune[cdktf]'` (CDKTF) or `[cdktn]` (CDK Terrain);
`constructs_lib.engine` picks the one installed. Without either, importing this package fails at
once with that line rather than deep inside a module.
"""

from constructs_lib import engine as _engine  # noqa: F401  (first: the one clear error without an engine)
from constructs_lib.data_sources import DataIntuneDerivedCredential, DataIntuneDerivedCredentials
from constructs_lib.derived_credential import DerivedCredentialSettings
from constructs_lib.provider import IntuneProvider
from constructs_lib.settings_file import SettingsFileEntry, SettingsFileError, load_settings_file
from intune_model.address import PROVIDER_VERSION
from intune_model.errors import SettingsInvalid
from intune_model.resources.derived_credential import Issuer, NotificationType

__version__ = PROVIDER_VERSION
"""The package version, which is also the provider's version (``intune-provider version``)."""

__all__ = [
    "DataIntuneDerivedCredential",
    "DataIntuneDerivedCredentials",
    "DerivedCredentialSettings",
    "IntuneProvider",
    "Issuer",
    "NotificationType",
    "SettingsFileEntry",
    "SettingsFileError",
    "SettingsInvalid",
    "__version__",
    "load_settings_file",
]
