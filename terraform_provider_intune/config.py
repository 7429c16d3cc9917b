"""Provider arguments merged with the environment: arguments win, then azure-identity's variables.

`ARGUMENTS` (in `intune_model.arguments`, shared with the construct and the stacks) is the one table
of provider arguments: the plugin builds the provider schema from it (types, sensitivity,
descriptions) and `resolve` reads it, so a new argument is one row."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import Any

from intune_graph.settings import Connection
from intune_model import address as a
from intune_model.arguments import (
    ARGUMENT_DESCRIPTIONS,
    ARGUMENT_ENV,
    ARGUMENTS,
    ARGUMENTS_BY_NAME,
    CHOICE_ARGUMENTS,
    DEFAULT_UNMANAGED_MATCH,
    DEFAULT_UPDATE_STRATEGY,
    ENV_UNMANAGED_MATCH,
    NUMBER_ARGUMENTS,
    URL_ARGUMENTS,
    Argument,
    check_base_url,
)
from intune_model.clouds import DEFAULT_CLOUD, cloud_named, known_authority_hosts, known_graph_hosts
from intune_model.display import shown
from intune_model.errors import ProblemsError

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})

__all__ = [
    "ARGUMENTS",
    "ARGUMENTS_BY_NAME",
    "ARGUMENT_DESCRIPTIONS",
    "ARGUMENT_ENV",
    "Argument",
    "ConfigProblems",
    "check_arguments",
    "endpoint_problems",
    "endpoints_for",
    "resolve",
    "unmanaged_match",
    "update_strategy",
]


class ConfigProblems(ProblemsError):
    """Every provider configuration problem, each with the argument it concerns."""

    def __init__(self, problems: list[tuple[str, str]]):
        text = "; ".join(f"{k}: {m}" for k, m in problems)
        super().__init__(problems, text, "Provider configuration: ", with_path=False)


def check_arguments(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Checks that need no environment (for `terraform validate`): the URLs' form, the cloud name,
    positive numbers, the values of closed choices (`update_strategy`)."""
    problems: list[tuple[str, str]] = []
    for name in NUMBER_ARGUMENTS:
        number = config.get(name)
        if number is not None and (not isinstance(number, int | float) or not number > 0):
            problems.append((name, f"{shown(number)} is not allowed; must be a positive number"))
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
    for arg in CHOICE_ARGUMENTS:
        value = config.get(arg.name)
        if value is not None and (message := arg.problem(value)) is not None:
            problems.append((arg.name, message))
    return problems


def update_strategy(config: Mapping[str, Any]) -> str:
    """The configured update strategy (`patch` when unset). Read when planning, not by `resolve`:
    it shapes plans, not the Graph connection."""
    value = config.get("update_strategy")
    return value if isinstance(value, str) and value else DEFAULT_UPDATE_STRATEGY


def unmanaged_match(config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> str:
    """The configured `unmanaged_match` mode: the argument, else `INTUNE_UNMANAGED_MATCH`, else
    `warn`. Read by creates, not by `resolve`: it decides what a create does, not how to connect.
    Raises `ConfigProblems` for an environment value that is not a mode (an argument was checked by
    `check_arguments` already)."""
    value = config.get("unmanaged_match")
    if isinstance(value, str) and value:
        return value
    word = (os.environ if env is None else env).get(ENV_UNMANAGED_MATCH, "").strip().lower()
    if not word:
        return DEFAULT_UNMANAGED_MATCH
    problem = ARGUMENTS_BY_NAME["unmanaged_match"].problem(word)
    if problem is not None:
        raise ConfigProblems([("unmanaged_match", f"{ENV_UNMANAGED_MATCH}: {problem}")])
    return word


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


ENDPOINT_ARGUMENTS = ("cloud", "graph_endpoint", "authority_host")


def _pick(config: Mapping[str, Any], env: Mapping[str, str], name: str) -> str | None:
    """The argument when set, else its environment variable, else None."""
    value = config.get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    variable = ARGUMENTS_BY_NAME[name].env
    fallback = env.get(variable, "").strip() if variable else ""
    return fallback or None


def _endpoints(config: Mapping[str, Any], env: Mapping[str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    """(Graph base URL, login base URL, problems) from the cloud and the two URLs, arguments or
    environment. The arguments' own form is `check_arguments`'; the problems here are the
    environment variables' form and the pair's cloud."""
    problems: list[tuple[str, str]] = []
    cloud = _pick(config, env, "cloud")
    graph, authority = a.DEFAULT_GRAPH_ENDPOINT, a.DEFAULT_AUTHORITY_HOST
    for name in ("graph_endpoint", "authority_host"):
        value = _pick(config, env, name)
        if value is not None and config.get(name) is None:  # an argument is checked by check_arguments
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
    argument_problems = [p for p in check_arguments(config) if p[0] in ENDPOINT_ARGUMENTS]
    if not problems and not argument_problems:
        try:
            graph, authority = endpoints_for(
                cloud, _pick(config, env, "graph_endpoint"), _pick(config, env, "authority_host")
            )
        except ValueError as exc:
            problems.append(("cloud", str(exc)))
    return graph, authority, problems


def endpoint_problems(
    config: Mapping[str, Any], env: Mapping[str, str] | None = None, *, unknown: Collection[str] = ()
) -> list[tuple[str, str]]:
    """What is wrong with where the provider would connect (`cloud`, `graph_endpoint`,
    `authority_host`, as arguments or `INTUNE_CLOUD`, `INTUNE_GRAPH_ENDPOINT`,
    `AZURE_AUTHORITY_HOST`), needing no credential: configure reports it before any Graph call.
    Nothing is judged while one of the three is `unknown` (its value, and so the pair, comes later)."""
    if any(name in unknown for name in ENDPOINT_ARGUMENTS):
        return []
    env = os.environ if env is None else env
    argument_problems = [p for p in check_arguments(config) if p[0] in ENDPOINT_ARGUMENTS]
    return argument_problems + _endpoints(config, env)[2]


def resolve(config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Connection:
    """Arguments win over the environment; raise ConfigProblems naming each missing or bad one."""
    env = os.environ if env is None else env
    problems = check_arguments(config)

    def pick(name: str) -> str | None:
        return _pick(config, env, name)

    def flag(name: str) -> bool:
        value = config.get(name)
        if isinstance(value, bool):
            return value
        variable = ARGUMENTS_BY_NAME[name].env or ""
        word = env.get(variable, "").strip().lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            problems.append((name, f"{variable}={shown(word)} is not a boolean; use true or false"))
        return False

    secret = config.get("client_secret") or env.get(a.ENV_CLIENT_SECRET) or None
    password = config.get("client_certificate_password") or env.get(a.ENV_CLIENT_CERTIFICATE_PASSWORD) or None
    graph, authority, where = _endpoints(config, env)
    problems += where
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
