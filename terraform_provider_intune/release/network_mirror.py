"""Terraform's provider network mirror protocol as static JSON documents, for teams that route every
provider through a mirror (`provider_installation { network_mirror { url = ".../mirror/" } }`).

The mirror holds the provider under the address the constructs and docs use (`PROVIDER_SOURCE`):
`<hostname>/<namespace>/<type>/index.json` lists the versions, `<version>.json` each platform's zip
and its `zh:` hash (the zip's SHA-256). A mirror carries hashes, not signatures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from intune_model.address import PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE
from terraform_provider_intune.release.archive import Archive

MIRROR = "mirror"


def documents(base_url: str, archives: Iterable[Archive]) -> dict[str, Any]:
    """Relative path in the site -> JSON document; zip URLs are under `base_url`."""
    by_version: dict[str, list[Archive]] = {}
    for archive in archives:
        by_version.setdefault(archive.version, []).append(archive)
    root = f"{MIRROR}/{PROVIDER_HOSTNAME}/{PROVIDER_NAMESPACE}/{PROVIDER_TYPE}"
    docs: dict[str, Any] = {f"{root}/index.json": {"versions": {v: {} for v in sorted(by_version)}}}
    for version, found in by_version.items():
        docs[f"{root}/{version}.json"] = {
            "archives": {
                a.platform: {"url": f"{base_url}/{a.filename}", "hashes": [f"zh:{a.sha256}"]}
                for a in sorted(found, key=lambda a: a.platform)
            }
        }
    return docs
