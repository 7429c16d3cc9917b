"""Writing the release site: this machine's zip (unless told not to build), then `SHA256SUMS`, its
signature and the protocol documents for every zip in the directory, so zips built on other
platforms' runners and copied in are published by one signing run."""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from intune_model.address import PROVIDER_VERSION
from intune_model.errors import IntuneError
from terraform_provider_intune.mirror import terraform_platform
from terraform_provider_intune.release import network_mirror, registry
from terraform_provider_intune.release.archive import (
    Archive,
    find_archives,
    sha256sums,
    sums_name,
    write_zip,
    zip_name,
)
from terraform_provider_intune.release.binary import build_executable, require_pyinstaller
from terraform_provider_intune.release.signing import SigningKey, sign, signing_key

DEFAULT_NAMESPACE = "intune"
# Terraform's rule for a namespace: letters, digits and inner hyphens, at most 64 characters.
NAMESPACE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$")


@dataclass
class Site:
    """What was written: the zips, the source address users write, and timings."""

    out: Path
    base_url: str
    source: str
    archives: list[Archive]
    signed_by: str | None
    build_seconds: float | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def mirror_url(self) -> str:
        return f"{self.base_url}/{network_mirror.MIRROR}/"


def check_base_url(value: str) -> str:
    """An absolute https URL without query or fragment; returned without its trailing slash."""
    parts = urlsplit(value.strip())
    problem = None
    if parts.scheme != "https":
        problem = "must be an https URL (Terraform fetches registries and mirrors over HTTPS only)"
    elif not parts.hostname:
        problem = "has no host name"
    elif parts.query or parts.fragment:
        problem = "must not have a query or fragment"
    if problem:
        raise IntuneError(f"--base-url {value!r} {problem}", "e.g. --base-url https://terraform.example.com")
    return value.strip().rstrip("/")


def check_namespace(value: str) -> str:
    if not NAMESPACE.match(value):
        raise IntuneError(
            f"--namespace {value!r} is not a Terraform namespace",
            "Use letters, digits and inner hyphens (at most 64), e.g. --namespace contoso",
        )
    return value.lower()


def write_site(
    out: Path,
    base_url: str,
    *,
    gpg_key: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    build: bool = True,
    log: Any = sys.stderr,
) -> Site:
    """Write the site into `out`. Every input is checked (URL, namespace, signing key, PyInstaller)
    before the slow build starts."""
    base_url = check_base_url(base_url)
    namespace = check_namespace(namespace)
    key: SigningKey | None = signing_key(gpg_key) if gpg_key else None
    if build:
        require_pyinstaller()
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    build_seconds = None
    if build:
        target = out / zip_name(PROVIDER_VERSION, terraform_platform())
        print(f"building {target.name} with PyInstaller (a minute or two)...", file=log, flush=True)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="intune-provider-build-") as work:
            write_zip(build_executable(Path(work)), target)
        build_seconds = time.monotonic() - started
    archives = find_archives(out)
    if not archives:
        raise IntuneError(
            f"no {zip_name('<version>', '<os>_<arch>')} in {out}",
            "Run without --no-build on each platform's runner and copy its zip here first.",
        )
    site = Site(
        out,
        base_url,
        registry.source_address(base_url, namespace),
        archives,
        key.key_id if key else None,
        build_seconds,
    )
    _write_sums(site, key)
    _replace_tree(out / network_mirror.MIRROR, network_mirror.documents(base_url, archives), site)
    provider_docs = out / registry.provider_path(namespace)
    if key is None:
        # Terraform refuses a registry provider without a signature: publish the mirror only.
        shutil.rmtree(provider_docs, ignore_errors=True)
        print("no --gpg-key: the registry protocol needs a signature; wrote the mirror only", file=log)
    else:
        docs = registry.documents(base_url, namespace, archives, key)
        _replace_tree(provider_docs, {k: v for k, v in docs.items() if k != registry.DISCOVERY}, site)
        _write_json(out / registry.DISCOVERY, docs[registry.DISCOVERY], site)
        if urlsplit(base_url).path not in ("", "/"):
            print(
                f"note: serve {registry.DISCOVERY} at https://{urlsplit(base_url).netloc}/"
                f"{registry.DISCOVERY} (the host's root): Terraform looks for it there",
                file=log,
            )
    return site


def _write_sums(site: Site, key: SigningKey | None) -> None:
    versions = sorted({a.version for a in site.archives})
    for version in versions:
        path = site.out / sums_name(version)
        path.write_text(sha256sums([a for a in site.archives if a.version == version]))
        site.files.append(path)
        signature = path.with_name(path.name + ".sig")
        if key is None:
            signature.unlink(missing_ok=True)  # a stale signature would not match the new sums
        else:
            site.files.append(sign(key, path))


def _replace_tree(root: Path, docs: dict[str, Any], site: Site) -> None:
    """Empty `root` (no stale platform or version stays listed), then write `docs` (site paths)."""
    shutil.rmtree(root, ignore_errors=True)
    for relative, doc in docs.items():
        _write_json(site.out / relative, doc, site)


def _write_json(path: Path, doc: Any, site: Site) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    site.files.append(path)
