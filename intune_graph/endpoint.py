"""Which Graph and login URLs we are willing to send a token to."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})


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
    loopback address (a local emulator or proxy)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what}: {url!r} is not an absolute URL (for example https://graph.microsoft.com)")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"{what}: {url!r} uses plain http; only https is allowed (http only on a loopback address)"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{what}: {url!r} must not carry a query or fragment")
    return url.strip().rstrip("/")
