"""Every failure of a handler or lookup call becomes a diagnostic: an exception that escaped would
reach the user as an opaque "Plugin error"."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TypeVar

from tf.utils import Diagnostics

from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec

T = TypeVar("T")


def guard(
    diags: Diagnostics,
    call: Callable[[], T],
    spec: ResourceSpec,
    on_error: T | None = None,
    tenant: str | None = None,
) -> T | None:
    """Run a call; turn an `IntuneError` into its diagnostics (with the attribute path where one
    applies), and anything else into one "unexpected" diagnostic. With `tenant` (a call in a tenant
    other than the provider's own), every summary ends "in tenant <tenant>": in a plan over many
    tenants, the failing one is named."""
    where = f" in tenant {tenant}" if tenant else ""
    from intune_graph.errors import GraphError  # deferred: only reached after a call ran

    try:
        return call()
    except IntuneError as exc:
        for summary, detail, attribute in exc.diagnostics():
            if isinstance(exc, GraphError):
                from terraform_provider_intune.handler import attribute_for

                attribute = attribute_for(exc, spec)
            diags.add_error(summary + where, detail, path=[attribute] if attribute else None)
    except Exception as exc:  # the last resort: never an opaque plugin crash
        diags.add_error(
            f"Unexpected provider error: {type(exc).__name__}{where}",
            f"{exc}\n\n{traceback.format_exc(limit=5)}",
        )
    return on_error
