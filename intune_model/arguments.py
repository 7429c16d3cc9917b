"""The one table of provider arguments, and the one rule for the URLs a token may be sent to.

Dependency-free, so every consumer shares it: the provider builds its schema from it and resolves
its configuration with it (`terraform_provider_intune.config`), the construct derives its argument
kinds and checks from it (`constructs_lib.provider`), and the stacks' settings file its provider keys
(`stacks.config`). A new argument is one row here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from intune_model import address as a
from intune_model.clouds import CLOUDS, DEFAULT_CLOUD
from intune_model.display import shown

DEFAULT_DEADLINE_S = 600.0  # one operation may retry this long (Graph throttling can last minutes)
DEFAULT_WRITE_LIMIT = 100  # Graph: 100 writes per 20 s per app per tenant for this family
DEFAULT_WRITE_WINDOW_S = 20.0

# How a change to a resource's fields reaches Graph: `patch` updates the object in place (Graph's
# documented PATCH); `replace` deletes it and creates a new one, for tenants where Graph refuses or
# ignores PATCH (Microsoft365DSC: "UPDATE is not supported API, it always creates a new instance").
PATCH = "patch"
REPLACE = "replace"
UPDATE_STRATEGIES = (PATCH, REPLACE)
DEFAULT_UPDATE_STRATEGY = PATCH

# What a create does when Graph already holds an object with exactly its settings that no resource of
# the state manages (an apply killed after its POSTs, the portal, another configuration): `warn`
# names it with the import command and creates another; `error` stops before posting.
UNMANAGED_MATCH_WARN = "warn"
UNMANAGED_MATCH_ERROR = "error"
UNMANAGED_MATCH_MODES = (UNMANAGED_MATCH_WARN, UNMANAGED_MATCH_ERROR)
DEFAULT_UNMANAGED_MATCH = UNMANAGED_MATCH_WARN
ENV_UNMANAGED_MATCH = "INTUNE_UNMANAGED_MATCH"


@dataclass(frozen=True)
class Argument:
    """One provider argument: its type, the environment variable it falls back to, whether Terraform
    must treat it as sensitive, and its description."""

    name: str
    kind: Literal["string", "bool", "number"]
    env: str | None
    description: str
    sensitive: bool = False
    default: float | None = None  # numbers only: the value when unset
    allowed: tuple[str, ...] = ()  # strings only: the values accepted, when the set is closed
    noun: str = "allowed"  # what a value of `allowed` is, in messages ("an update strategy")

    def problem(self, value: object) -> str | None:
        """Why a known literal `value` is not one of `allowed` (None when it is, or none are listed):
        the one check of provider, construct and stacks."""
        if not self.allowed or (isinstance(value, str) and value in self.allowed):
            return None
        return f"{shown(value)} is not {self.noun}; allowed values: {', '.join(self.allowed)}"


_CLOUD_LIST = ", ".join(f"`{c}`" for c in CLOUDS)

ARGUMENTS: tuple[Argument, ...] = (
    Argument("tenant_id", "string", a.ENV_TENANT_ID, "Microsoft Entra tenant (directory) id."),
    Argument("client_id", "string", a.ENV_CLIENT_ID, "Application (client) id of the app registration."),
    Argument(
        "client_secret",
        "string",
        a.ENV_CLIENT_SECRET,
        "Client secret of the app registration. Pass an ephemeral variable (Terraform 1.10+; a variable "
        "that is only sensitive is saved in plan files), never a literal.",
        sensitive=True,
    ),
    Argument(
        "client_certificate_path",
        "string",
        a.ENV_CLIENT_CERTIFICATE_PATH,
        "Path of a PEM (private key and certificate) or PFX file registered on the app.",
    ),
    Argument(
        "client_certificate_password",
        "string",
        a.ENV_CLIENT_CERTIFICATE_PASSWORD,
        "Password of the certificate file, if it has one.",
        sensitive=True,
    ),
    Argument(
        "federated_token_file",
        "string",
        a.ENV_FEDERATED_TOKEN_FILE,
        "File holding a federated OIDC token (Kubernetes workload identity, many CI systems).",
    ),
    Argument(
        "use_oidc",
        "bool",
        a.ENV_USE_OIDC,
        "Authenticate with workload identity federation: GitHub Actions OIDC when "
        f"`{a.ENV_ACTIONS_ID_TOKEN_REQUEST_URL}` is set (audience `{a.FEDERATED_TOKEN_AUDIENCE}`), else "
        "the federated token file.",
    ),
    Argument("use_cli", "bool", a.ENV_USE_CLI, "Authenticate with the Azure CLI's signed-in account."),
    Argument("use_msi", "bool", a.ENV_USE_MSI, "Authenticate with the machine's managed identity."),
    Argument(
        "cloud",
        "string",
        a.ENV_CLOUD,
        f"Microsoft cloud: {_CLOUD_LIST}. Sets the Graph and login hosts; default `{DEFAULT_CLOUD}`.",
    ),
    Argument(
        "graph_endpoint",
        "string",
        a.ENV_GRAPH_ENDPOINT,
        "Graph base URL without the API version (the provider appends `/beta`); overrides the cloud's. "
        "Must be https except on loopback.",
    ),
    Argument(
        "authority_host",
        "string",
        a.ENV_AUTHORITY_HOST,
        "Identity platform host; overrides the cloud's. With a host outside the known clouds, "
        "instance discovery is off.",
    ),
    Argument(
        "update_strategy",
        "string",
        None,
        f"How a change to a resource's fields is applied: `{PATCH}` (the default) updates the object "
        f"in place with Graph's documented PATCH; `{REPLACE}` plans every change as a replacement "
        "(delete, then create; with `lifecycle { create_before_destroy = true }` the new object is "
        "created first). Use `replace` for a tenant where Graph refuses PATCH of a resource or answers "
        "it without applying the change.",
        allowed=UPDATE_STRATEGIES,
        noun="an update strategy",
    ),
    Argument(
        "unmanaged_match",
        "string",
        ENV_UNMANAGED_MATCH,
        "What a create does when Graph already holds an object with exactly the resource's settings "
        "that no resource of this state manages (left by an apply killed before it recorded it, made "
        f"in the portal, or another configuration's): `{UNMANAGED_MATCH_WARN}` (the default) warns, "
        f"naming its id and the `terraform import` command, and creates another; "
        f"`{UNMANAGED_MATCH_ERROR}` fails before creating anything.",
        allowed=UNMANAGED_MATCH_MODES,
        noun="an unmanaged-match mode",
    ),
)
# Numeric provider arguments (reliability tuning): name -> (description, default).
NUMBER_ARGUMENTS: dict[str, tuple[str, float]] = {
    "timeout_seconds": (
        "How long one operation (create, read, update, delete, import) may keep retrying throttled "
        "or failed Graph calls and waiting for a write slot before it fails. Default 600.",
        DEFAULT_DEADLINE_S,
    ),
    "write_limit": (
        "Writes (POST, PATCH, DELETE) this provider sends to the tenant per `write_window_seconds`; "
        "all parallel operations share it. Lowered automatically while Graph answers 429. Default 100.",
        float(DEFAULT_WRITE_LIMIT),
    ),
    "write_window_seconds": (
        "The window of `write_limit`, in seconds. Default 20 (Graph: 100 writes per 20 s per app).",
        DEFAULT_WRITE_WINDOW_S,
    ),
}
ARGUMENTS += tuple(
    Argument(name, "number", None, desc, default=default)
    for name, (desc, default) in NUMBER_ARGUMENTS.items()
)
ARGUMENTS_BY_NAME = {arg.name: arg for arg in ARGUMENTS}
# Provider argument -> environment variable it falls back to.
ARGUMENT_ENV: dict[str, str] = {arg.name: arg.env for arg in ARGUMENTS if arg.env}
ARGUMENT_DESCRIPTIONS: dict[str, str] = {
    arg.name: arg.description + (f" Falls back to `{arg.env}`." if arg.env else "") for arg in ARGUMENTS
}
URL_ARGUMENTS = ("graph_endpoint", "authority_host")
# By kind, for consumers that write or check literal values (the construct, the settings file).
SECRET_ARGUMENTS = tuple(arg.name for arg in ARGUMENTS if arg.sensitive)
STRING_ARGUMENTS = tuple(arg.name for arg in ARGUMENTS if arg.kind == "string" and not arg.sensitive)
CHOICE_ARGUMENTS = tuple(arg for arg in ARGUMENTS if arg.allowed)
BOOL_ARGUMENTS = tuple(arg.name for arg in ARGUMENTS if arg.kind == "bool")
NUMBER_ARGUMENT_NAMES = tuple(arg.name for arg in ARGUMENTS if arg.kind == "number")

LOOPBACK_NAMES = frozenset({"localhost"})

# A Microsoft Entra tenant is named by its directory id (a GUID) or by one of its verified domains.
_TENANT_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
TENANT_EXAMPLES = (
    "a directory id such as 00000000-0000-0000-0000-000000000000 or a domain such as contoso.onmicrosoft.com"
)


def tenant_problem(value: object) -> str | None:
    """Why `value` cannot name a tenant (None when it can): the tenant (directory) id, a GUID, or a
    domain name of the tenant. The one rule of every tenant a configuration names (a resource's or
    data source's `tenant_id`, an import id's tenant part)."""
    if isinstance(value, str):
        if _TENANT_GUID.fullmatch(value):
            return None
        labels = value.split(".")
        if len(value) <= 253 and len(labels) >= 2 and all(_DOMAIN_LABEL.fullmatch(x) for x in labels):
            return None
    return f"{shown(value)} is not a tenant; give {TENANT_EXAMPLES}"


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, what: str) -> str:
    """Return `url` without a trailing slash, or raise ValueError naming `what`.

    https is required, because a bearer token will travel there; plain http is allowed only on a
    loopback address (a local emulator or proxy). No query or fragment: the API path is appended.
    No credentials (`https://user:password@host`): a secret does not belong in a URL, which ends up
    in logs and messages; the value is quoted back with its userinfo redacted."""
    example = "(for example https://graph.microsoft.com)"
    if not isinstance(url, str) or any(c.isspace() for c in url.strip()):
        raise ValueError(f"{what}: {shown(url)} is not an absolute URL {example}")
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:  # "https://[abc": an unclosed IPv6 bracket, a bad port
        raise ValueError(f"{what}: {shown(url)} is not an absolute URL {example}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{what}: {shown(url)} is not an absolute URL {example}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"{what}: {shown(url)} carries credentials (user:password@); give the URL without them "
            "(the provider authenticates with the tenant's credentials, never with URL userinfo)"
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise ValueError(
            f"{what}: {shown(url)} uses plain http; only https is allowed (http only on a loopback address)"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{what}: {shown(url)} must not carry a query or fragment")
    return url.strip().rstrip("/")
