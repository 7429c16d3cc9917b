"""Provider arguments merged with the environment: arguments win, then azure-identity's variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from intune_graph.endpoint import check_base_url
from intune_model import address as a

if TYPE_CHECKING:
    from intune_graph.connection import Connection

# Provider argument -> environment variable it falls back to.
ARGUMENT_ENV: dict[str, str] = {
    "tenant_id": a.ENV_TENANT_ID,
    "client_id": a.ENV_CLIENT_ID,
    "graph_endpoint": a.ENV_GRAPH_ENDPOINT,
    "authority_host": a.ENV_AUTHORITY_HOST,
}
ARGUMENT_DESCRIPTIONS: dict[str, str] = {
    "tenant_id": f"Microsoft Entra tenant (directory) id. Falls back to `{a.ENV_TENANT_ID}`.",
    "client_id": f"Application (client) id of the app registration. Falls back to `{a.ENV_CLIENT_ID}`.",
    "graph_endpoint": (
        f"Graph base URL without the API version (the provider appends `/beta`). Falls back to "
        f"`{a.ENV_GRAPH_ENDPOINT}`, then `{a.DEFAULT_GRAPH_ENDPOINT}`. Must be https except on loopback."
    ),
    "authority_host": (
        f"Identity platform host. Falls back to `{a.ENV_AUTHORITY_HOST}`, then `{a.DEFAULT_AUTHORITY_HOST}`. "
        "With a non-default host, instance discovery is off."
    ),
}
URL_ARGUMENTS = ("graph_endpoint", "authority_host")


class ConfigProblems(ValueError):
    """Every provider configuration problem, each with the argument it concerns."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))


def check_arguments(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Checks that need no environment (for `terraform validate`): the URLs' form."""
    problems: list[tuple[str, str]] = []
    for name in URL_ARGUMENTS:
        value = config.get(name)
        if isinstance(value, str):
            try:
                check_base_url(value, name)
            except ValueError as exc:
                problems.append((name, str(exc).removeprefix(f"{name}: ")))
    return problems


def resolve(config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Connection:
    """Arguments win over the environment; raise ConfigProblems naming each missing or bad one."""
    from intune_graph.connection import Connection  # deferred: pulls in httpx

    env = os.environ if env is None else env

    def pick(name: str) -> str | None:
        value = config.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        fallback = env.get(ARGUMENT_ENV[name], "").strip()
        return fallback or None

    problems = check_arguments(config)
    tenant_id, client_id = pick("tenant_id"), pick("client_id")
    secret = env.get(a.ENV_CLIENT_SECRET, "")
    graph = pick("graph_endpoint") or a.DEFAULT_GRAPH_ENDPOINT
    authority = pick("authority_host") or a.DEFAULT_AUTHORITY_HOST
    if not tenant_id:
        problems.append(("tenant_id", f"not set; set the provider argument or {a.ENV_TENANT_ID}"))
    if not client_id:
        problems.append(("client_id", f"not set; set the provider argument or {a.ENV_CLIENT_ID}"))
    if not secret:
        problems.append(("client_secret", f"not set; set {a.ENV_CLIENT_SECRET} in the environment"))
    for name, value in (("graph_endpoint", graph), ("authority_host", authority)):
        if config.get(name) is None:  # an argument was checked above; check what came from the env
            try:
                check_base_url(value, ARGUMENT_ENV[name])
            except ValueError as exc:
                problems.append((name, str(exc)))
    if problems:
        raise ConfigProblems(problems)
    assert tenant_id and client_id
    return Connection(
        tenant_id=tenant_id,
        client_id=client_id,
        client_secret=secret,
        graph_endpoint=check_base_url(graph, "graph_endpoint"),
        authority_host=check_base_url(authority, "authority_host"),
    )
