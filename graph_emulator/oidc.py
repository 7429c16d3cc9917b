"""The emulator's own OIDC token issuer, standing in for GitHub Actions (and any workload identity
issuer such as a Kubernetes cluster): it signs ID tokens with an RSA key and publishes the key as a
JWKS, so the emulated token endpoint can verify federated assertions exactly as Entra ID does.

Routes under `<emulator>/_oidc`:

* `GET /_oidc/.well-known/openid-configuration` and `GET /_oidc/jwks`: discovery and signing keys;
* `GET /_oidc/token?audience=...` with `Authorization: Bearer <request token>`: a GitHub Actions
  style ID token request (`ACTIONS_ID_TOKEN_REQUEST_URL` / `ACTIONS_ID_TOKEN_REQUEST_TOKEN`),
  answered with `{"value": "<jwt>"}` for the configured subject.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_emulator._types import Request, Response
from intune_model.address import FEDERATED_TOKEN_AUDIENCE

PATH_PREFIX = "_oidc"
DEFAULT_SUBJECT = "repo:contoso/intune-settings:ref:refs/heads/main"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rsa_jwks(public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """The JSON Web Key Set that publishes one RS256 signing key (the OIDC issuer's, the token signer's)."""
    numbers = public_key.public_numbers()
    key = {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
    }
    return {"keys": [key]}


class OidcIssuer:
    """One signing key (new per emulator instance), its JWKS, and the tokens it signs."""

    def __init__(self, issuer_url: str, *, subject: str = DEFAULT_SUBJECT) -> None:
        self.issuer_url = issuer_url
        self.subject = subject
        self.request_token = secrets.token_urlsafe(32)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex

    def public_key(self) -> rsa.RSAPublicKey:
        return self._key.public_key()

    def jwks(self) -> dict[str, Any]:
        return rsa_jwks(self.public_key(), self.kid)

    def issue(
        self, subject: str | None = None, audience: str = FEDERATED_TOKEN_AUDIENCE, lifetime: int = 600
    ) -> str:
        """A signed ID token, as GitHub Actions or a Kubernetes service account token would be."""
        now = int(time.time())
        claims = {
            "iss": self.issuer_url,
            "sub": subject or self.subject,
            "aud": audience,
            "iat": now,
            "nbf": now - 5,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The claims of a token this issuer signed for `audience`; jwt.InvalidTokenError otherwise."""
        claims: dict[str, Any] = jwt.decode(
            token, self.public_key(), algorithms=["RS256"], audience=audience, issuer=self.issuer_url
        )
        return claims

    # ------------------------------------------------------------------ HTTP

    def route(self, request: Request, rest: list[str]) -> Response:
        if request.method != "GET":
            return Response.json(405, {"message": "method not allowed"})
        if rest == [".well-known", "openid-configuration"]:
            return Response.json(
                200,
                {
                    "issuer": self.issuer_url,
                    "jwks_uri": f"{self.issuer_url}/jwks",
                    "subject_types_supported": ["public"],
                    "response_types_supported": ["id_token"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
                },
            )
        if rest == ["jwks"]:
            return Response.json(200, self.jwks())
        if rest == ["token"]:
            auth = request.header("authorization") or ""
            scheme, _, presented = auth.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                presented.strip().encode(), self.request_token.encode()
            ):
                return Response.json(401, {"message": "Bad credentials: invalid ID token request token"})
            audience = request.query.get("audience") or FEDERATED_TOKEN_AUDIENCE
            return Response.json(200, {"count": 1, "value": self.issue(audience=audience)})
        return Response.json(404, {"message": "not found"})
