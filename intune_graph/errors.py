"""Graph's error body as an exception, with what a user needs to act on it."""

from __future__ import annotations

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

    def __str__(self) -> str:
        return f"{self.summary()}\n{self.detail()}"

    def summary(self) -> str:
        return f"Graph {self.method} {self.url} failed: {self.status} {self.code}"

    def diagnostics(self) -> list[Diagnostic]:
        # The attribute is the Graph property `target` names; the plugin maps it to its Terraform name.
        return [(self.summary(), self.detail(), self.target)]

    def detail(self) -> str:
        lines = [self.message or "(no message)"]
        if self.target:
            lines.append(f"Graph property: {self.target}")
        hint = _HINTS.get(self.status)
        if hint:
            lines.append(hint)
        lines.append(
            f"request-id: {self.request_id or '-'}; client-request-id: {self.client_request_id or '-'}"
        )
        if self.date:
            lines.append(f"date: {self.date}")
        return "\n".join(lines)

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
            message=str(err.get("message") or (body if isinstance(body, str) else "")),
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
    403: (
        "The app lacks permission: grant DeviceManagementServiceConfig.ReadWrite.All (application) "
        "with admin consent; the tenant also needs an Intune licence."
    ),
}
