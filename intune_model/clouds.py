"""The Microsoft clouds: each one's Graph host and login host (tokens never cross clouds).

Shared by the construct (which checks a `cloud` value at synth time) and the provider (which turns
it into endpoints), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cloud:
    """One national cloud: where Graph lives and where its tokens come from."""

    name: str
    graph_endpoint: str
    authority_host: str
    description: str


CLOUDS: dict[str, Cloud] = {
    c.name: c
    for c in (
        Cloud("public", "https://graph.microsoft.com", "https://login.microsoftonline.com", "global service"),
        Cloud("usgovernment", "https://graph.microsoft.us", "https://login.microsoftonline.us", "US Gov L4"),
        Cloud(
            "usgovernmentdod",
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us",
            "US Gov L5 (DoD)",
        ),
        Cloud(
            "china",
            "https://microsoftgraph.chinacloudapi.cn",
            "https://login.chinacloudapi.cn",
            "operated by 21Vianet",
        ),
    )
}
DEFAULT_CLOUD = "public"


def cloud_named(name: str) -> Cloud:
    """The cloud called `name` (case-insensitive); ValueError listing the allowed names otherwise."""
    cloud = CLOUDS.get(name.strip().lower())
    if cloud is None:
        raise ValueError(f"{name!r} is not a cloud; allowed values: {', '.join(CLOUDS)}")
    return cloud


def known_graph_hosts() -> dict[str, str]:
    """Graph base URL -> cloud name, for every known cloud."""
    return {c.graph_endpoint: c.name for c in CLOUDS.values()}


def known_authority_hosts() -> dict[str, set[str]]:
    """Login base URL -> names of the clouds using it (US Gov L4 and L5 share one)."""
    out: dict[str, set[str]] = {}
    for c in CLOUDS.values():
        out.setdefault(c.authority_host, set()).add(c.name)
    return out
