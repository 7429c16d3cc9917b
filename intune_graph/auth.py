"""Bearer tokens for Graph from azure-identity, cached for the whole provider process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from intune_graph.errors import AuthenticationFailed, consent_advice
from intune_graph.retry import TOKEN_REFRESH_MARGIN_S, CertificateNotTrusted
from intune_model.display import redact_url

# azure-identity logs every failed credential at WARNING. With logging unconfigured (as in the
# provider plugin), Python's last-resort handler would print those to stderr, repeating what our
# error already says. A NullHandler keeps them out of stderr; a host that configures logging still
# receives them.
logging.getLogger("azure.identity").addHandler(logging.NullHandler())

REFRESH_MARGIN_S = TOKEN_REFRESH_MARGIN_S  # the window lives in `intune_graph.retry`


class TokenSource(Protocol):
    def token(self) -> str: ...


class _Credential(Protocol):
    def get_token(self, *scopes: str) -> object: ...


class CachedToken:
    """One token for all threads, refreshed once when it nears expiry (never a request per call).

    "Nears expiry" is `REFRESH_MARGIN_S` before it, or half the token's remaining life for
    short-lived tokens, so a token is never sent in the last moments of its life. `invalidate` drops
    a token Graph refused (401) and, given `rebuild`, replaces the credential: azure-identity (MSAL)
    caches tokens itself and would hand the refused one back until it nears expiry."""

    def __init__(
        self,
        credential: _Credential,
        scope: str,
        *,
        tried: list[str] | None = None,
        hint: str = "",
        rebuild: Callable[[], _Credential] | None = None,
        tenant_id: str | None = None,
        client_id: str | None = None,
    ) -> None:
        self._tenant_id = tenant_id
        self._client_id = client_id
        self._credential = credential
        self._rebuild = rebuild
        self._tried = list(tried or [])
        self._hint = hint
        self._scope = scope
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self.fetched = 0  # tokens obtained from the credential (for tests and diagnostics)

    @property
    def client_id(self) -> str | None:
        """The app the tokens are for, when configured (named in a 403)."""
        return self._client_id

    def token(self) -> str:
        token = self._token
        if token is not None and time.time() < self._refresh_at:
            return token
        with self._lock:
            if self._token is None or time.time() >= self._refresh_at:
                try:
                    got = self._credential.get_token(self._scope)
                except CertificateNotTrusted:
                    raise  # already says which endpoint and which CA bundle
                except Exception as exc:  # azure-identity raises several types; all mean "no token"
                    raise AuthenticationFailed(self._describe(exc)) from None
                now = time.time()
                expires_on = float(getattr(got, "expires_on"))  # noqa: B009 - AccessToken is a NamedTuple
                self._token = str(getattr(got, "token"))  # noqa: B009
                self._refresh_at = expires_on - min(REFRESH_MARGIN_S, max(0.0, expires_on - now) / 2)
                self.fetched += 1
            return self._token

    def _describe(self, exc: Exception) -> str:
        message = redact_url(_first_line_with_aadsts(str(exc)))
        advice = consent_advice(message, self._tenant_id, self._client_id)
        if advice:
            message = f"{message}\n{advice}"
        if len(self._tried) > 1:
            hint = f"\n{self._hint}" if self._hint else ""
            return f"no credential worked; tried, in order: {', '.join(self._tried)}.{hint}\n{message}"
        if self._tried:
            return f"{self._tried[0]}: {message}"
        return message

    def invalidate(self, rejected: str | None = None) -> None:
        """Forget `rejected` (a token Graph answered 401 to; None: whatever is cached), so the next
        `token()` fetches a new one. A token another thread already replaced is left alone."""
        with self._lock:
            if rejected is not None and rejected != self._token:
                return
            self._token = None
            self._refresh_at = 0.0
            if self._rebuild is not None:
                old, self._credential = self._credential, self._rebuild()
                close = getattr(old, "close", None)
                if callable(close):
                    close()


def _first_line_with_aadsts(text: str) -> str:
    """azure-identity's messages are long; keep the identity platform's AADSTS line up front."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    aadsts = [ln for ln in lines if "AADSTS" in ln]
    if not aadsts or aadsts[0] == lines[0]:
        return text.strip() or "authentication failed"  # the key line already leads
    return f"{aadsts[0]}\n{text.strip()}"
