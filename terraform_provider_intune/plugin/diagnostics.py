"""Every failure becomes one diagnostic: an exception that escaped would reach the user as an opaque
"Plugin error". `guard` wraps each handler and lookup call; `safe_rpc` wraps every call Terraform
makes (`plugin.server`), the net for whatever a bug raises anywhere else. A traceback never reaches
a diagnostic: it goes to the plugin's stderr, which Terraform writes to its log (`TF_LOG`)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from tf.utils import Diagnostics

from intune_model.display import safe_text
from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec

T = TypeVar("T")
SUMMARY_LIMIT = 300  # characters of a diagnostic's summary (one line)
DETAIL_LIMIT = 8000  # of its detail: far below gRPC's 4 MB message limit, more than anyone reads
BUG_ADVICE = (
    "This is a bug in the provider, not in your configuration. Its traceback is in Terraform's log: "
    "run again with TF_LOG=debug (and TF_LOG_PATH=<file>) and report it."
)


def log_traceback(where: str) -> None:
    """The current exception's traceback on stderr: Terraform's log, never a diagnostic."""
    print(f"terraform-provider-intune: unexpected error in {where}", file=sys.stderr)
    traceback.print_exc(file=sys.stderr)
    sys.stderr.flush()


def unexpected(exc: BaseException, where: str) -> tuple[str, str]:
    """(summary, detail) of an exception no rule turned into a message."""
    what = safe_text(str(exc), 500, lines=False)
    return f"Unexpected provider error: {type(exc).__name__}{where}", f"{what}\n\n{BUG_ADVICE}"


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
    except Exception as exc:  # the last resort: never an opaque plugin crash, never a traceback
        log_traceback(f"a call{where}")
        diags.add_error(*unexpected(exc, where))
    return on_error


def sanitize(response: Any) -> Any:
    """Every diagnostic of a response as our output may print it (`safe_text`): controls escaped,
    URL userinfo redacted, summary and detail bounded."""
    for diagnostic in getattr(response, "diagnostics", ()):
        diagnostic.summary = safe_text(diagnostic.summary, SUMMARY_LIMIT, lines=False)
        diagnostic.detail = safe_text(diagnostic.detail, DETAIL_LIMIT)
    return response


def safe_rpc(name: str, method: Callable[..., Any], response_type: Callable[..., Any]) -> Callable[..., Any]:
    """`method` (a servicer call) answering one diagnostic for any exception, and sanitized
    diagnostics always."""

    def call(self: Any, request: Any, context: Any) -> Any:
        try:
            return sanitize(method(self, request, context))
        except Exception as exc:
            log_traceback(name)
            summary, detail = unexpected(exc, "")
            diags = Diagnostics()
            diags.add_error(summary, detail)
            return sanitize(response_type(diagnostics=diags.to_pb()))

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call
