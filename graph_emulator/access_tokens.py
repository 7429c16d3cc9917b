"""The emulator's access tokens: RS256 JWTs shaped like Entra ID's app-only tokens for Graph (v1.0
claims: `aud`, `iss`, `tid`, `appid`, `roles`, `idtyp`), so the permissions granted to an app travel
in the token, as they do on Entra, and Graph routes judge them from the token alone. The signing key
is made on first use and lives in memory only (its public half is the tenant's JWKS), so tokens never
outlive the emulator process."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_emulator.oidc import rsa_jwks

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"  # Microsoft Graph's application id: the audience
VERIFIED_CACHE = 4096  # tokens whose signature was checked; an RSA check per call was a fifth of the CPU


class AccessTokenSigner:
    """Signs and verifies access tokens. Thread-safe."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self._key: rsa.RSAPrivateKey | None = None
        self._lock = threading.Lock()
        self._verified: dict[str, dict[str, Any]] = {}

    def _private(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    def sign(self, tenant_id: str, client_id: str, roles: Iterable[str], lifetime: int) -> str:
        """An app-only access token for Graph; `roles` are the application permissions granted."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": GRAPH_APP_ID,
            "iss": f"https://sts.windows.net/{tenant_id}/",
            "iat": now,
            "nbf": now - 5,
            "exp": now + lifetime,
            "tid": tenant_id,
            "appid": client_id,
            "azp": client_id,
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/{client_id}")),
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/{client_id}")),
            "idtyp": "app",
            "ver": "1.0",
            "uti": uuid.uuid4().hex,
        }
        granted = sorted(set(roles))
        if granted:  # Entra leaves the claim out when nothing is granted
            claims["roles"] = granted
        return jwt.encode(claims, self._private(), algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this signer made that has not expired, else None. The signature of
        a token is checked once; its lifetime on every call."""
        claims = self._verified.get(token)
        if claims is not None:
            now = time.time()
            return claims if claims.get("nbf", 0) <= now < claims.get("exp", 0) else None
        try:
            claims = jwt.decode(
                token, self._private().public_key(), algorithms=["RS256"], audience=GRAPH_APP_ID
            )
        except jwt.InvalidTokenError:
            return None
        with self._lock:
            if len(self._verified) >= VERIFIED_CACHE:
                self._verified.clear()
            self._verified[token] = claims
        return claims

    def jwks(self) -> dict[str, Any]:
        return rsa_jwks(self._private().public_key(), self.kid)
