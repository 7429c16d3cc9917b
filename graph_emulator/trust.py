"""The CA bundle a shell gets from `eval "$(graph-emulator start ...)"`: the system's roots (or the
bundle the shell already trusted) plus the emulator's CA.

`SSL_CERT_FILE` and `REQUESTS_CA_BUNDLE` replace a process's trust store, so naming the emulator's
CA alone would make every other HTTPS client of that shell that reads them (pip, requests, Python's
ssl, Terraform's registry and backend calls) refuse the public internet. Tests that
start the emulator in Python keep `GraphEmulator.env()`, which trusts the emulator's CA alone, so a
request meant for the emulator that reaches anything else fails."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path

BUNDLE_NAME = "ca-bundle.pem"
MARKER = "# graph-emulator CA bundle"
CA_ENV_VARS = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def system_roots() -> Path | None:
    """The system's CA file as OpenSSL knows it (ignoring `SSL_CERT_FILE`), else certifi's."""
    openssl = Path(ssl.get_default_verify_paths().openssl_cafile)
    if openssl.is_file():
        return openssl
    try:
        import certifi  # httpx's dependency: always installed with the provider
    except ModuleNotFoundError:  # pragma: no cover - certifi comes with httpx
        return None
    return Path(certifi.where())


def inherited_bundles(env: Mapping[str, str], data_dir: Path) -> list[Path]:
    """Bundles the shell already trusted (a corporate bundle), but not an emulator's own files."""
    found: list[Path] = []
    for name in CA_ENV_VARS:
        value = env.get(name, "").strip()
        if not value:
            continue
        path = Path(value)
        if not path.is_file() or path in found or path.resolve().is_relative_to(data_dir.resolve()):
            continue
        with path.open(errors="replace") as handle:
            if handle.readline().startswith(MARKER):
                continue  # an earlier emulator's bundle: its roots come again below
        found.append(path)
    return found


def write_bundle(path: Path, emulator_ca: Path, env: Mapping[str, str], roots: Path | None = None) -> Path:
    """Write `path`: the inherited bundles, or else the system's roots, then the emulator's CA."""
    sources = inherited_bundles(env, path.parent) or [r for r in (roots or system_roots(),) if r]
    parts = [f"{MARKER}: the system's roots (or the bundle trusted before) and this emulator's CA.\n"]
    for source in sources:
        parts.append(f"\n# from {source}\n{source.read_text(errors='replace').strip()}\n")
    parts.append(f"\n# the emulator's CA ({emulator_ca})\n{emulator_ca.read_text().strip()}\n")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(parts))
    tmp.replace(path)
    return path
