"""CDKTF constructs for Microsoft Intune: a resource construct and two data source constructs per
resource the provider serves, generated from the specs (`constructs_lib._generate`).

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

try:
    from constructs_lib import catalog as _catalog
    from constructs_lib.catalog import *  # noqa: F403  (every spec's constructs and enums, generated)
except ImportError as _missing:  # a spec added or renamed since the modules were generated
    _stale: ImportError | None = _missing
else:
    _stale = None
from constructs_lib.provider import IntuneProvider
from constructs_lib.settings_file import SettingsFileEntry, SettingsFileError, load_settings_file
from intune_model.address import PROVIDER_VERSION
from intune_model.errors import SettingsInvalid

__version__ = PROVIDER_VERSION
"""The package version, which is also the provider's version (``intune-provider version``)."""

__all__ = [
    "IntuneProvider",
    "SettingsFileEntry",
    "SettingsFileError",
    "SettingsInvalid",
    "__version__",
    "load_settings_file",
]
if _stale is None:
    __all__ += _catalog.__all__


def __getattr__(name: str) -> object:
    """With stale generated modules, the package still imports (so the generator can run) and
    naming a construct says what to do."""
    if _stale is not None and not name.startswith("__"):
        raise ImportError(
            f"constructs_lib.{name}: the generated construct modules do not import ({_stale}); "
            "run `python -m constructs_lib._generate`"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
