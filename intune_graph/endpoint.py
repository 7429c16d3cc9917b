"""Which Graph and login URLs we are willing to send a token to: the one rule, shared with the
construct and the stacks, lives in `intune_model.arguments`."""

from __future__ import annotations

from intune_model.arguments import LOOPBACK_NAMES, check_base_url, is_loopback

__all__ = ["LOOPBACK_NAMES", "check_base_url", "is_loopback"]
