"""Which certificate authorities to trust: the system's, or the bundles named by the environment."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping

CA_ENV_VARS = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")


def ca_bundles(env: Mapping[str, str] | None = None) -> list[str]:
    """CA files named by `REQUESTS_CA_BUNDLE` and `SSL_CERT_FILE`, in that order, without repeats."""
    env = os.environ if env is None else env
    out: list[str] = []
    for name in CA_ENV_VARS:
        path = env.get(name, "").strip()
        if path and path not in out:
            out.append(path)
    return out


def ssl_context(env: Mapping[str, str] | None = None) -> ssl.SSLContext:
    """One context for the process: the default trust store, replaced by the named bundles if any."""
    bundles = ca_bundles(env)
    if not bundles:
        return ssl.create_default_context()
    ctx = ssl.create_default_context(cafile=bundles[0])
    for extra in bundles[1:]:
        ctx.load_verify_locations(cafile=extra)
    return ctx
