"""App registrations as the emulated identity platform knows them, and its error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intune_model.address import FEDERATED_TOKEN_AUDIENCE


@dataclass(frozen=True)
class FederatedCredential:
    """A federated identity credential on an app: tokens from `issuer` about `subject` for `audience`
    are accepted as the app's client assertion."""

    issuer: str
    subject: str
    audience: str = FEDERATED_TOKEN_AUDIENCE


@dataclass(frozen=True)
class Client:
    """An app registration in one tenant: a secret (may be empty), certificates (public PEM),
    federated credentials, and the application permissions granted to it with admin consent (`roles`;
    None grants the default, every registered spec's write permission)."""

    tenant_id: str
    client_id: str
    client_secret: str = ""
    certificates: tuple[str, ...] = ()
    federated: tuple[FederatedCredential, ...] = ()
    roles: tuple[str, ...] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Client:
        return cls(
            tenant_id=data["tenant_id"],
            client_id=data["client_id"],
            client_secret=data.get("client_secret") or "",
            certificates=tuple(data.get("certificates") or ()),
            federated=tuple(FederatedCredential(**f) for f in data.get("federated") or ()),
            roles=None if data.get("roles") is None else tuple(data["roles"]),
        )


class AuthError(Exception):
    """A token request the identity platform would refuse."""

    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(f"AADSTS{code}: {description}")
        self.status = status
        self.error = error
        self.code = code
        self.description = description
