"""Provider arguments merged with the environment: arguments win, then azure-identity's variables.

`ARGUMENTS` is the one table of provider arguments: `tf_adapter` builds the provider schema from it
(types, sensitivity, descriptions) and `resolve` reads it, so a new argument is one row."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from intune_graph.defaults import DEFAULT_DEADLINE_S, DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S
from intune_graph.endpoint import check_base_url
from intune_model import address as a
from intune_model.clouds import CLOUDS, DEFAULT_CLOUD, cloud_named, known_authority_hosts, known_graph_hosts
from intune_model.update_strategy import DEFAULT_UPDATE_STRATEGY, update_strategy_problem

if TYPE_CHECKING:
    from intune_graph.connection import Connection

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Argument:
    """One provider argument: its type, the environment variable it falls back to, whether Terraform
    must treat it as sensitive, and its description."""

    name: str
    kind: Literal["string", "bool", "number"]
    env: str | None
    description: str
    sensitive: bool = False


_CLOUD_LIST = ", ".join(f"`{c}`" for c in CLOUDS)

ARGUMENTS: tuple[Argument, ...] = (
    Argument("tenant_id", "string", a.ENV_TENANT_ID, "Microsoft Entra tenant (directory) id."),
    Argument("client_id", "string", a.ENV_CLIENT_ID, "Application (client) id of the app registration."),
    Argument(
        "client_secret",
        "string",
        a.ENV_CLIENT_SECRET,
        "Client secret of the app registration. Pass a sensitive (ideally ephemeral) variable, never a "
        "literal.",
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
    # issue 12: how a change to a field reaches Graph (read by tf_adapter's plan, not by `resolve`)
    Argument(
        "update_strategy",
        "string",
        None,
        "How a change to a resource's fields is applied: `patch` (default) updates the object in place "
        "with Graph's documented PATCH; `replace` plans every change as a replacement (delete, then "
        "create; with `lifecycle { create_before_destroy = true }` the new object is created first). "
        "Use `replace` for a tenant where Graph refuses PATCH of derived credential settings or "
        "answers it without applying the change.",
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
ARGUMENTS += tuple(Argument(name, "number", None, desc) for name, (desc, _) in NUMBER_ARGUMENTS.items())
ARGUMENTS_BY_NAME = {arg.name: arg for arg in ARGUMENTS}
# Provider argument -> environment variable it falls back to.
ARGUMENT_ENV: dict[str, str] = {arg.name: arg.env for arg in ARGUMENTS if arg.env}
ARGUMENT_DESCRIPTIONS: dict[str, str] = {
    arg.name: arg.description + (f" Falls back to `{arg.env}`." if arg.env else "") for arg in ARGUMENTS
}
URL_ARGUMENTS = ("graph_endpoint", "authority_host")


class ConfigProblems(ValueError):
    """Every provider configuration problem, each with the argument it concerns."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))


def check_arguments(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Checks that need no environment (for `terraform validate`): the URLs' form, the cloud name,
    positive numbers."""
    problems: list[tuple[str, str]] = []
    for name in NUMBER_ARGUMENTS:
        number = config.get(name)
        if number is not None and (not isinstance(number, int | float) or not number > 0):
            problems.append((name, f"{number!r} is not allowed; must be a positive number"))
    for name in URL_ARGUMENTS:
        value = config.get(name)
        if isinstance(value, str):
            try:
                check_base_url(value, name)
            except ValueError as exc:
                problems.append((name, str(exc).removeprefix(f"{name}: ")))
    cloud = config.get("cloud")
    if isinstance(cloud, str):
        try:
            cloud_named(cloud)
        except ValueError as exc:
            problems.append(("cloud", str(exc)))
    strategy = config.get("update_strategy")
    if strategy is not None and (message := update_strategy_problem(strategy)) is not None:
        problems.append(("update_strategy", message))
    return problems


def update_strategy(config: Mapping[str, Any]) -> str:
    """The configured update strategy (`patch` when unset)."""
    value = config.get("update_strategy")
    return value if isinstance(value, str) and value else DEFAULT_UPDATE_STRATEGY


def endpoints_for(
    cloud: str | None, graph_endpoint: str | None, authority_host: str | None
) -> tuple[str, str]:
    """(Graph base URL, login base URL): the cloud's pair, each overridable. ValueError when the two
    belong to different known clouds, or an override names another known cloud than `cloud`: a token
    from one cloud's login is never sent to another cloud's Graph."""
    chosen = cloud_named(cloud or DEFAULT_CLOUD)
    graph = (graph_endpoint or chosen.graph_endpoint).rstrip("/")
    authority = (authority_host or chosen.authority_host).rstrip("/")
    graph_cloud = known_graph_hosts().get(graph)
    authority_clouds = known_authority_hosts().get(authority)
    if graph_cloud and authority_clouds and graph_cloud not in authority_clouds:
        raise ValueError(
            f"graph_endpoint {graph} belongs to cloud {graph_cloud!r} but authority_host {authority} to "
            f"{'/'.join(sorted(authority_clouds))!r}; tokens don't cross clouds"
        )
    if cloud and graph_endpoint and graph_cloud and graph_cloud != chosen.name:
        raise ValueError(f"graph_endpoint {graph} belongs to cloud {graph_cloud!r}, not {chosen.name!r}")
    if cloud and authority_host and authority_clouds and chosen.name not in authority_clouds:
        raise ValueError(
            f"authority_host {authority} belongs to cloud {'/'.join(sorted(authority_clouds))!r}, "
            f"not {chosen.name!r}"
        )
    return graph, authority


def resolve(config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Connection:
    """Arguments win over the environment; raise ConfigProblems naming each missing or bad one."""
    from intune_graph.connection import Connection  # deferred: pulls in httpx

    env = os.environ if env is None else env
    problems = check_arguments(config)

    def pick(name: str) -> str | None:
        value = config.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        variable = ARGUMENTS_BY_NAME[name].env
        fallback = env.get(variable, "").strip() if variable else ""
        return fallback or None

    def flag(name: str) -> bool:
        value = config.get(name)
        if isinstance(value, bool):
            return value
        variable = ARGUMENTS_BY_NAME[name].env or ""
        word = env.get(variable, "").strip().lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            problems.append((name, f"{variable}={word!r} is not a boolean; use true or false"))
        return False

    secret = config.get("client_secret") or env.get(a.ENV_CLIENT_SECRET) or None
    password = config.get("client_certificate_password") or env.get(a.ENV_CLIENT_CERTIFICATE_PASSWORD) or None
    cloud = pick("cloud")
    graph, authority = a.DEFAULT_GRAPH_ENDPOINT, a.DEFAULT_AUTHORITY_HOST
    for name in ("graph_endpoint", "authority_host"):
        value = pick(name)
        if value is not None and config.get(name) is None:  # an argument was checked above
            try:
                check_base_url(value, ARGUMENT_ENV[name])
            except ValueError as exc:
                problems.append((name, str(exc)))
    if config.get("cloud") is None and cloud is not None:
        try:
            cloud_named(cloud)
        except ValueError as exc:
            problems.append(("cloud", f"{a.ENV_CLOUD}: {exc}"))
            cloud = None
    if not any(k in ("cloud", "graph_endpoint", "authority_host") for k, _ in problems):
        try:
            graph, authority = endpoints_for(cloud, pick("graph_endpoint"), pick("authority_host"))
        except ValueError as exc:
            problems.append(("cloud", str(exc)))
    conn = Connection(
        tenant_id=pick("tenant_id"),
        client_id=pick("client_id"),
        client_secret=secret,
        graph_endpoint=graph,
        authority_host=authority,
        client_certificate_path=pick("client_certificate_path"),
        client_certificate_password=password,
        federated_token_file=pick("federated_token_file"),
        use_oidc=flag("use_oidc"),
        oidc_request_url=env.get(a.ENV_ACTIONS_ID_TOKEN_REQUEST_URL) or None,
        oidc_request_token=env.get(a.ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN) or None,
        use_cli=flag("use_cli"),
        use_msi=flag("use_msi"),
        **{name: float(config.get(name) or default) for name, (_, default) in NUMBER_ARGUMENTS.items()},
    )
    if not problems:
        problems += credential_problems(conn)
    if problems:
        raise ConfigProblems(problems)
    return conn


def credential_problems(conn: Connection) -> list[tuple[str, str]]:
    """What the chosen credential lacks (tenant, client id, OIDC variables), without building it."""
    from intune_graph.credentials import CredentialConfigError, plan_methods

    try:
        plan_methods(conn, ca_bundle=None, public_authority=True)
    except CredentialConfigError as exc:
        return [(exc.argument, exc.message)]
    return []
