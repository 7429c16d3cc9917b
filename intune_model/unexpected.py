"""What a command-line tool prints when a bug escapes it: one `error:` line naming the exception's
type and its message (escaped and shortened, as every message we print), never a traceback unless
someone asks for one. The provider's own net for the same case is
`terraform_provider_intune.plugin.diagnostics.safe_rpc`; this is its counterpart for `intune-provider`
and `graph-emulator`, where a traceback would be the user's only output."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Mapping
from typing import TextIO

from intune_model.display import safe_text

DEBUG_ENV = "INTUNE_DEBUG"
MESSAGE_LIMIT = 300  # characters of the exception's message in the one line
_TF_LOG_ASKS = {"trace", "debug", "json"}  # Terraform's levels that already print everything


def traceback_wanted(env: Mapping[str, str] | None = None) -> bool:
    """True when INTUNE_DEBUG is set (to anything but 0/false/no/off) or TF_LOG asks for debug output."""
    env = os.environ if env is None else env
    debug = env.get(DEBUG_ENV, "").strip().lower()
    if debug and debug not in {"0", "false", "no", "off"}:
        return True
    return env.get("TF_LOG", "").strip().lower() in _TF_LOG_ASKS


def unexpected_line(exc: BaseException) -> str:
    """The one line for an exception no rule turned into a message."""
    message = safe_text(str(exc), MESSAGE_LIMIT, lines=False)
    return (
        f"error: unexpected error ({type(exc).__name__})"
        + (f": {message}" if message else "")
        + f"; run again with {DEBUG_ENV}=1 (or TF_LOG=debug) for the traceback"
    )


def report_unexpected(exc: BaseException, stream: TextIO | None = None) -> int:
    """Print `exc` as one line (after its traceback, when asked for) and return exit code 1."""
    stream = sys.stderr if stream is None else stream
    if traceback_wanted():
        traceback.print_exception(exc, file=stream)
    print(unexpected_line(exc), file=stream)
    return 1
