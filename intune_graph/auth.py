"""Bearer tokens for Graph from azure-identity, cached for the whole provider process."""

from __future__ import annotations

import threading
import time
from typing import Protocol

from intune_graph.errors import AuthenticationFailed

REFRESH_MARGIN_S = 300


class TokenSource(Protocol):
    def token(self) -> str: ...


class _Credential(Protocol):
    def get_token(self, *scopes: str) -> object: ...


class CachedToken:
    """One token for all threads, refreshed once when it nears expiry (never a request per call)."""

    def __init__(
        self, credential: _Credential, scope: str, *, tried: list[str] | None = None, hint: str = ""
    ) -> None:
        self._credential = credential
        self._tried = list(tried or [])
        self._hint = hint
        self._scope = scope
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_on = 0.0

    def token(self) -> str:
        if self._token is not None and time.time() < self._expires_on - REFRESH_MARGIN_S:
            return self._token
        with self._lock:
            if self._token is None or time.time() >= self._expires_on - REFRESH_MARGIN_S:
                try:
                    got = self._credential.get_token(self._scope)
                except Exception as exc:  # azure-identity raises several types; all mean "no token"
                    raise AuthenticationFailed(self._describe(exc)) from None
                self._token = str(getattr(got, "token"))  # noqa: B009 - AccessToken is a NamedTuple
                self._expires_on = float(getattr(got, "expires_on"))  # noqa: B009
            return self._token

    def _describe(self, exc: Exception) -> str:
        message = _first_line_with_aadsts(str(exc))
        if len(self._tried) > 1:
            hint = f"\n{self._hint}" if self._hint else ""
            return f"no credential worked; tried, in order: {', '.join(self._tried)}.{hint}\n{message}"
        if self._tried:
            return f"{self._tried[0]}: {message}"
        return message

    def invalidate(self) -> None:
        with self._lock:
            self._token = None


def _first_line_with_aadsts(text: str) -> str:
    """azure-identity's messages are long; keep the identity platform's AADSTS line up front."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    aadsts = [ln for ln in lines if "AADSTS" in ln]
    head = aadsts[0] if aadsts else (lines[0] if lines else "authentication failed")
    return head if head == text.strip() else f"{head}\n{text.strip()}"
