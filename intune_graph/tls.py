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


def fallback_cafile() -> str | None:
    """certifi's bundle when OpenSSL's default store does not exist on this machine, else None.

    The packaged provider (`intune-provider package`) carries the build machine's OpenSSL, which looks
    where that machine keeps its roots (`/usr/lib/ssl` on Debian); on a system that keeps them
    elsewhere (RHEL's `/etc/pki`, Alpine) it would trust nothing."""
    paths = ssl.get_default_verify_paths()
    if paths.cafile or paths.capath:
        return None
    try:
        import certifi  # httpx's dependency
    except ImportError:
        return None
    return str(certifi.where())


def ssl_context(env: Mapping[str, str] | None = None) -> ssl.SSLContext:
    """One context for the process: the default trust store (certifi's where this machine has none),
    replaced by the named bundles if any."""
    bundles = ca_bundles(env)
    if not bundles:
        return ssl.create_default_context(cafile=fallback_cafile())
    ctx = ssl.create_default_context(cafile=bundles[0])
    for extra in bundles[1:]:
        ctx.load_verify_locations(cafile=extra)
    return ctx
