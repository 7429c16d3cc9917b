"""A managed identity endpoint in the App Service style (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`),
as App Service, Functions and Container Apps provide it and azure-identity's
`ManagedIdentityCredential` calls it: the workload gets a Graph token without holding any secret.

Route under `<emulator>/_msi`:

* `GET /_msi/token?api-version=2019-08-01&resource=<graph endpoint>[&client_id=<id>]` with header
  `X-IDENTITY-HEADER: <IDENTITY_HEADER>` answers `{"access_token", "expires_on", "resource",
  "token_type", "client_id"}`. `client_id` picks a user-assigned identity; without it the
  system-assigned one answers. Both are the emulator's one managed identity.
"""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from collections.abc import Callable

from graph_emulator._types import Request, Response

PATH_PREFIX = "_msi"
API_VERSION = "2019-08-01"


class ManagedIdentityEndpoint:
    """One managed identity of the primary tenant; `issue(client_id)` mints its access tokens."""

    def __init__(
        self,
        *,
        resources: Callable[[], frozenset[str]],
        issue: Callable[[str], str],
        token_lifetime: int,
    ) -> None:
        self.client_id = str(uuid.uuid4())
        self.header_secret = secrets.token_urlsafe(24)
        self._resources = resources
        self._issue = issue
        self._lifetime = token_lifetime

    def env(self, base_url: str) -> dict[str, str]:
        """What the hosting platform would set for the workload."""
        return {"IDENTITY_ENDPOINT": f"{base_url}/{PATH_PREFIX}/token", "IDENTITY_HEADER": self.header_secret}

    def route(self, request: Request, rest: list[str]) -> Response:
        if rest != ["token"] or request.method != "GET":
            return _error(404, "invalid_request", "unknown managed identity route")
        given = request.header("x-identity-header") or ""
        if not hmac.compare_digest(given.encode(), self.header_secret.encode()):
            return _error(401, "invalid_request", "X-IDENTITY-HEADER is missing or wrong")
        if request.query.get("api-version") != API_VERSION:
            return _error(400, "invalid_request", f"api-version must be {API_VERSION}")
        resource = (request.query.get("resource") or "").rstrip("/")
        if resource not in {r.rstrip("/") for r in self._resources()}:
            return _error(
                400, "invalid_resource", f"no resource {resource!r} here; ask for the Graph endpoint"
            )
        wanted = request.query.get("client_id")
        if wanted is not None and wanted.lower() != self.client_id:
            return _error(400, "invalid_request", f"no user-assigned identity with client_id {wanted!r}")
        return Response.json(
            200,
            {
                "access_token": self._issue(self.client_id),
                "expires_on": str(int(time.time()) + self._lifetime),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": self.client_id,
            },
        )


def _error(status: int, code: str, description: str) -> Response:
    """App Service's error shape (what MSAL reads): `statusCode` and `message`."""
    return Response.json(status, {"statusCode": status, "message": f"{code}: {description}"})
