"""The resources' descriptions: field kinds (`schema`), one spec per Graph resource (`resources/`),
the list of specs (`registry`), the exception root (`errors`), the provider arguments (`arguments`),
and a pydantic model derived from a spec for the consumers that want one (`typed`).

Nothing here speaks for one resource: take a spec from `intune_model.registry` (or its module under
`intune_model.resources`) and ask it.
"""

from __future__ import annotations

from intune_model.address import (
    PROVIDER_SOURCE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    RESOURCE_TYPE,
)
from intune_model.errors import IntuneError

__all__ = [
    "PROVIDER_SOURCE",
    "PROVIDER_TYPE",
    "PROVIDER_VERSION",
    "RESOURCE_TYPE",
    "IntuneError",
]
