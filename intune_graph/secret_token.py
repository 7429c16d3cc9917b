"""Client-credentials tokens with a client secret: one form POST to the identity platform's token
endpoint over the Graph client's own connection pool.

The usual managed-service-provider set-up is one app registration with a secret, consented in each
customer tenant, and one provider process per tenant. azure-identity (with MSAL, requests and
cryptography) costs about 0.25 s of CPU to import in every one of those processes, and MSAL reads
the OIDC discovery document before its first token; this grant needs neither. The other methods
(certificate, federated, managed identity, Azure CLI) stay with azure-identity.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from intune_graph.retry import (
    TOKEN_RETRY_BASE_S,
    TOKEN_RETRY_STATUSES,
    TOKEN_TRIES,
    Transport,
    certificate_not_trusted,
    classify_transport,
)


class TokenRequestFailed(Exception):
    """The identity platform refused (its AADSTS description) or could not be reached."""


@dataclass(frozen=True)
class AccessToken:
    """What `CachedToken` reads: the bearer token and when it expires (epoch seconds)."""

    token: str
    expires_on: int


class ClientSecretToken:
    """`get_token(scope)` like an azure-identity credential, for `grant_type=client_credentials`."""

    def __init__(
        self, http: httpx.Client, authority: str, tenant_id: str, client_id: str, client_secret: str
    ) -> None:
        self._http = http
        self._url = f"{authority.rstrip('/')}/{quote(tenant_id, safe='')}/oauth2/v2.0/token"
        self._client_id = client_id
        self._secret = client_secret

    def get_token(self, *scopes: str) -> AccessToken:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._secret,
            "scope": " ".join(scopes),
        }
        # Transient answers (429, 5xx, no connection) are tried again, as MSAL does.
        for attempt in range(TOKEN_TRIES):
            last = attempt == TOKEN_TRIES - 1
            try:
                resp = self._http.post(self._url, data=form, headers={"Accept": "application/json"})
            except httpx.HTTPError as exc:
                if classify_transport(exc) is Transport.FATAL:  # a certificate that does not verify
                    raise certificate_not_trusted(self._url, exc) or exc from None
                if last:
                    raise TokenRequestFailed(f"could not reach {self._url}: {exc}") from None
            else:
                if resp.status_code == 200:
                    return _access_token(resp)
                if resp.status_code not in TOKEN_RETRY_STATUSES or last:
                    raise TokenRequestFailed(_refusal(resp))
            time.sleep(TOKEN_RETRY_BASE_S * 2**attempt)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def close(self) -> None:
        """The connection pool belongs to the Graph client."""


def _access_token(resp: httpx.Response) -> AccessToken:
    body = _json(resp)
    token, lifetime = body.get("access_token"), body.get("expires_in")
    if not isinstance(token, str) or not token:
        raise TokenRequestFailed(
            f"the token endpoint answered 200 without an access_token: {resp.text[:200]}"
        )
    try:
        seconds = int(str(lifetime))  # Entra sends a number; some proxies send it as a string
    except ValueError:
        seconds = 3599
    return AccessToken(token, int(time.time()) + seconds)


def _refusal(resp: httpx.Response) -> str:
    body = _json(resp)
    description = str(body.get("error_description") or "").strip()
    code = str(body.get("error") or f"HTTP {resp.status_code}")
    return f"{description} ({code})" if description else f"{code}: {resp.text[:200]}"


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
