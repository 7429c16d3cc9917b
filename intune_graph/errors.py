"""Graph's error body as an exception, with what a user needs to act on it."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Self

from intune_model.errors import Diagnostic, IntuneError, MessageError


@dataclass
class GraphError(IntuneError):
    """A failed Graph call. `code` is Graph's own (branch on it); `message` is Graph's words."""

    status: int
    code: str
    message: str
    method: str = ""
    url: str = ""
    request_id: str | None = None
    client_request_id: str | None = None
    date: str | None = None
    target: str | None = None  # the property Graph complained about, when it says
    # On a 403: the permissions any one of which allows the operation, the app (client id) that
    # called, and the application permissions its token holds (None when the token does not say).
    needed: tuple[str, ...] = ()
    app: str | None = None
    granted: tuple[str, ...] | None = None

    def __str__(self) -> str:
        return f"{self.summary()}\n{self.detail()}"

    def summary(self) -> str:
        text = f"Graph {self.method} {self.url} failed: {self.status} {self.code}"
        if self.status == 403 and self.needed:
            app = f"app {self.app}" if self.app else "the app"
            text += f" ({app} lacks {_one_of(self.needed)})"
        return text

    def diagnostics(self) -> list[Diagnostic]:
        # The attribute is the Graph property `target` names; the plugin maps it to its Terraform name.
        return [(self.summary(), self.detail(), self.target)]

    def detail(self) -> str:
        lines = [self.message or "(no message)"]
        if self.target:
            lines.append(f"Graph property: {self.target}")
        hint = self._permission_hint() if self.status == 403 else _HINTS.get(self.status)
        if hint:
            lines.append(hint)
        lines.append(
            f"request-id: {self.request_id or '-'}; client-request-id: {self.client_request_id or '-'}"
        )
        if self.date:
            lines.append(f"date: {self.date}")
        return "\n".join(lines)

    @property
    def permission_missing(self) -> bool:
        """A 403 because the app lacks a permission (not a policy or a refused operation)."""
        if self.status != 403:
            return False
        if self.needed and self.granted is not None and not set(self.needed) & set(self.granted):
            return True
        return bool(_NOT_AUTHORIZED.search(self.message) or self.code == "Authorization_RequestDenied")

    def _permission_hint(self) -> str:
        app = f"the app {self.app} (client id)" if self.app else "the app"
        if not self.needed:
            return (
                f"Missing permission: {app} lacks one this operation needs. Grant the application "
                "permission the resource's documentation lists, with admin consent; the tenant also "
                "needs an Intune licence."
            )
        held = ""
        if self.granted is not None:
            roles = ", ".join(self.granted) if self.granted else "no application permissions"
            held = f" Its token holds: {roles}."
        kind = "a read" if self.method.upper() in ("GET", "HEAD") else "a write"
        return (
            f"Missing permission: {self.method} ({kind}) needs {_one_of(self.needed)}, which {app} "
            f"does not have.{held} Grant it as an application permission with admin consent (a "
            "plan-only identity needs only the Read permission); the tenant also needs an Intune licence."
        )

    def with_caller(self, needed: tuple[str, ...], token: str | None, client_id: str | None) -> Self:
        """This 403 with what the operation needs and who asked: the app and its roles come from the
        access token's claims (read, not verified: Graph has verified it), else `client_id`."""
        claims = token_claims(token) if token else None
        self.needed = needed
        if claims is not None:
            app = claims.get("appid") or claims.get("azp")
            self.app = str(app) if app else client_id
            roles = claims.get("roles")
            self.granted = tuple(str(r) for r in roles) if isinstance(roles, list) else ()
        else:
            self.app = client_id
        return self

    @classmethod
    def from_response(
        cls, status: int, body: Any, headers: Any, method: str, url: str, client_request_id: str
    ) -> Self:
        err = body.get("error") if isinstance(body, dict) else None
        err = err if isinstance(err, dict) else {}
        inner = err.get("innerError") or err.get("innererror") or {}
        inner = inner if isinstance(inner, dict) else {}
        details = err.get("details")
        target = err.get("target")
        if not target and isinstance(details, list) and details and isinstance(details[0], dict):
            target = details[0].get("target")
        return cls(
            status=status,
            code=str(err.get("code") or _DEFAULT_CODES.get(status, "UnknownError")),
            message=inner_message(str(err.get("message") or (body if isinstance(body, str) else ""))),
            method=method,
            url=url,
            request_id=inner.get("request-id") or headers.get("request-id"),
            client_request_id=inner.get("client-request-id")
            or headers.get("client-request-id")
            or client_request_id,
            date=inner.get("date") or headers.get("date"),
            target=str(target) if target else None,
        )


@dataclass
class UnexpectedResponse(GraphError):
    """Graph answered with success but with a body the model cannot read (`UnexpectedBody`): the
    call fails with the request ids rather than writing nulls into state."""

    def summary(self) -> str:
        return f"Graph {self.method} {self.url} answered {self.status} with a body the provider cannot read"

    def detail(self) -> str:
        return (
            super().detail()
            + "\nThe provider refuses to guess: nothing was written to state. If Graph has changed how it "
            "answers, report it with the request-id above."
        )


_NOT_AUTHORIZED = re.compile(r"not authorized|insufficient privileges|must have one of the following", re.I)


def inner_message(message: str) -> str:
    """Graph's `message`, or, where Intune wrapped its own error document in it as a JSON string
    (`{"_version": 3, "Message": "...", ...}`), that document's `Message`."""
    text = message.strip()
    if not text.startswith("{"):
        return message
    try:
        document = json.loads(text)
    except ValueError:
        return message
    inner = document.get("Message") if isinstance(document, dict) else None
    return inner if isinstance(inner, str) and inner.strip() else message


def token_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT access token, unverified (only to name the caller in an error), or None
    when the token is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    return payload if isinstance(payload, dict) else None


def _one_of(permissions: tuple[str, ...]) -> str:
    from intune_model.permissions import one_of

    return one_of(permissions)


class AuthenticationFailed(MessageError):
    """No token could be had; the message carries the identity platform's AADSTS code and words."""

    SUMMARY = "Could not get a token for Microsoft Graph"


# The identity platform's answers when the app has no service principal (no admin consent) in the
# tenant asked: 700016 (app not found in the directory), 7000229 (a multi-tenant app missing its
# service principal), 65001 (consent required), 500011 (resource principal not found).
NOT_CONSENTED_CODES = ("AADSTS700016", "AADSTS7000229", "AADSTS65001", "AADSTS500011")


def consent_advice(message: str, tenant_id: str | None, client_id: str | None) -> str | None:
    """What to do when a token request failed because the app is not consented in the tenant (None
    for any other failure): the admin-consent step, with the tenant and app it concerns."""
    codes = [code for code in NOT_CONSENTED_CODES if f"{code}:" in message]
    if not codes:
        return None
    tenant = tenant_id or "<tenant>"
    app = client_id or "<client id>"
    return (
        f"The app {app} is not consented in tenant {tenant} ({codes[0]}). An administrator of that "
        "tenant must grant it admin consent (its Intune application permissions, e.g. "
        "DeviceManagementServiceConfig.ReadWrite.All), e.g. at "
        f"<login host>/{tenant}/adminconsent?client_id={app} "
        "(https://login.microsoftonline.com in the public cloud). Also check the tenant and client ids: "
        "a typo names a tenant or an app that does not exist."
    )


_DEFAULT_CODES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}

_HINTS = {
    401: "The token was refused: check AZURE_TENANT_ID and that the app registration lives in that tenant.",
}
