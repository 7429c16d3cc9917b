"""The CDK engine the constructs are built on: CDKTF (`cdktf`) or its maintained fork CDK Terrain
(`cdktn`). Both expose the same classes under the same names and share `constructs` 10.x, so the
constructs import one module, `cdk`, from here and work with either.

Which one: an engine your app has already imported wins (``import cdktn`` before
``import constructs_lib`` gives CDK Terrain even when `cdktf` is installed too); otherwise `cdktf`,
then `cdktn`. CDKTF comes first because it is the pinned engine of this project's own stacks and CI;
installs with only the ``[cdktn]`` extra never see it. Neither installed: one `ModuleNotFoundError`
(its `name` the first engine) that says which extra to install. The provider and the CLI never
import this module.

Node 20 is end of life, and jsii prints an eleven-line banner saying so each time an engine is
imported. Node 20 still runs both engines' jsii kernels here, so unless the environment says
otherwise (`JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION`, a comma-separated list of majors), this
module silences it for Node 20 before the engine loads: an app that imports `constructs_lib` (or
`constructs_lib.engine.cdk`) before `cdktf` is quiet. An app that imports `cdktf` first has
started jsii already; set the variable in its environment, or use Node 22.

Example (an app that runs on whichever engine is installed)::

    from constructs_lib.engine import cdk

    app = cdk.App()
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

SILENCE_EOL_NODE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
QUIET_NODE_MAJORS = "20"
"""End-of-life Node majors whose jsii banner is silenced when the environment does not choose."""

ENGINES = ("cdktf", "cdktn")
"""Engine modules in order of preference when the app has imported neither."""

MISSING = (
    "constructs_lib needs a CDK engine and found neither `cdktf` nor `cdktn`; install one with "
    "pip install 'terraform-provider-intune[cdktf]' (CDKTF 0.21) or "
    "pip install 'terraform-provider-intune[cdktn]' (CDK Terrain 0.24). "
    "The Terraform provider and the intune-provider CLI need neither."
)


def select(preferred: tuple[str, ...] = ENGINES) -> ModuleType:
    """The engine module: one already imported, else the first of `preferred` that imports."""
    loaded = [name for name in preferred if sys.modules.get(name) is not None]  # None: import blocked
    if len(loaded) == 1:
        return sys.modules[loaded[0]]
    for name in preferred:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise  # the engine is there but broken: show that, not "install it"
    raise ModuleNotFoundError(MISSING, name=preferred[0])


os.environ.setdefault(SILENCE_EOL_NODE, QUIET_NODE_MAJORS)  # before jsii starts its Node kernel

if TYPE_CHECKING:
    import cdktf as cdk  # both engines have this API; type-check against the pinned one
else:
    cdk = select()

NAME: str = cdk.__name__
"""``"cdktf"`` or ``"cdktn"``: the engine in use."""

__all__ = ["ENGINES", "MISSING", "NAME", "cdk", "select"]
