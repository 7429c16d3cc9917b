"""Checking `client_assertion` JWTs at the token endpoint, the way Entra ID does.

* A certificate-signed assertion (`iss` = `sub` = the client id) must name a certificate registered
  on the app (`x5t` or `x5t#S256` thumbprint), verify with its public key (RS256 or PS256), and be
  addressed (`aud`) to this token endpoint.
* A federated assertion (any other `iss`) must match one of the app's federated credentials
  (issuer, subject, audience) and verify with the issuer's published key.

Failures raise `AuthError` with the platform's AADSTS codes."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from graph_emulator.identity_types import AuthError, Client

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def thumbprints(cert_pem: str) -> tuple[str, str]:
    """(x5t, x5t#S256) of a PEM certificate: base64url SHA-1 and SHA-256 of its DER."""
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)

    def b64(digest: bytes) -> str:
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    return b64(hashlib.sha1(der).digest()), b64(hashlib.sha256(der).digest())


def _unverified(assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return jwt.get_unverified_header(assertion), jwt.decode(
            assertion, options={"verify_signature": False}
        )
    except jwt.InvalidTokenError as exc:
        raise AuthError(400, "invalid_client", 50027, f"JWT token is invalid or malformed: {exc}.") from None


def assertion_issuer(assertion: str) -> str:
    return str(_unverified(assertion)[1].get("iss", ""))


def check_certificate_assertion(assertion: str, client: Client, token_urls: Iterable[str]) -> None:
    header, claims = _unverified(assertion)
    if claims.get("sub") != claims.get("iss"):
        raise AuthError(
            401, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer."
        )
    wanted_sha1 = str(header.get("x5t") or "").rstrip("=")  # MSAL pads base64url, others don't
    wanted_sha256 = str(header.get("x5t#S256") or "").rstrip("=")
    for pem in client.certificates:
        sha1, sha256 = thumbprints(pem)
        if wanted_sha1 == sha1 or wanted_sha256 == sha256:
            key = x509.load_pem_x509_certificate(pem.encode()).public_key()
            break
    else:
        raise AuthError(
            401,
            "invalid_client",
            700027,
            "Client assertion failed signature validation. The key was not found. Thumbprint of key used by "
            f"client: '{wanted_sha256 or wanted_sha1}'. Please visit the Microsoft Entra admin center to "
            f"verify that the certificate is registered on application '{client.client_id}'.",
        )
    _verify(
        lambda: jwt.decode(
            assertion,
            key,  # type: ignore[arg-type]
            algorithms=["RS256", "PS256"],
            audience=list(token_urls),
            options={"require": ["exp", "aud", "iss", "sub"]},
        )
    )


def check_federated_assertion(
    assertion: str, client: Client, verifiers: dict[str, Callable[[str, str], dict[str, Any]]]
) -> None:
    """`verifiers` maps an issuer URL this emulator can check to a function verifying a token of it
    for an audience."""
    _, claims = _unverified(assertion)
    issuer, subject, audience = claims.get("iss"), claims.get("sub"), claims.get("aud")
    candidates = [f for f in client.federated if f.issuer == issuer]
    if not candidates:
        raise AuthError(
            400,
            "invalid_client",
            700211,
            f"No matching federated identity record found for presented assertion issuer '{issuer}'. "
            "Please check your federated identity credential Subject, Audience and Issuer against the "
            "presented assertion.",
        )
    matches = [f for f in candidates if f.subject == subject]
    if not matches:
        raise AuthError(
            400,
            "invalid_client",
            700213,
            f"No matching federated identity record found for presented assertion subject '{subject}'. "
            "Please check your federated identity credential Subject, Audience and Issuer against the "
            "presented assertion.",
        )
    audiences = audience if isinstance(audience, list) else [audience]
    record = next((f for f in matches if f.audience in audiences), None)
    if record is None:
        raise AuthError(
            400,
            "invalid_client",
            700212,
            f"No matching federated identity record found for presented assertion audience '{audience}'.",
        )
    verify = verifiers.get(str(issuer))
    if verify is None:
        raise AuthError(
            400, "invalid_client", 50166, f"Request to External OIDC endpoint failed: issuer '{issuer}'."
        )
    _verify(lambda: verify(assertion, record.audience))


def _verify(check: Callable[[], object]) -> None:
    try:
        check()
    except jwt.ExpiredSignatureError:
        raise AuthError(
            400, "invalid_client", 700024, "Client assertion is not within its valid time range."
        ) from None
    except jwt.InvalidAudienceError:
        raise AuthError(
            400,
            "invalid_client",
            700016,
            "The client assertion's audience does not name this token endpoint.",
        ) from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(
            401, "invalid_client", 700027, f"Client assertion failed signature validation. ({exc})"
        ) from None
