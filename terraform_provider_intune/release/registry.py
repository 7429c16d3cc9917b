"""Terraform's provider registry protocol as static JSON documents.

`/.well-known/terraform.json` names the providers API; under it `<ns>/<type>/versions` lists the
versions and their platforms, and `<ns>/<type>/<version>/download/<os>/<arch>` tells where the zip,
`SHA256SUMS` and its signature are and which public key signed them. Terraform reads them as JSON
whatever content type the host sends; only the discovery document must be served at the host's root
(`https://<host>/.well-known/terraform.json`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from intune_model.address import PROVIDER_TYPE
from terraform_provider_intune.release.archive import Archive, sums_name
from terraform_provider_intune.release.signing import SigningKey

DISCOVERY = ".well-known/terraform.json"
PROVIDERS_V1 = "v1/providers"
PROTOCOLS = ["6.0"]  # plugin protocol 6 (the `tf` library)


def source_address(base_url: str, namespace: str) -> str:
    """What users write in `required_providers`: `<host[:port]>/<namespace>/intune`."""
    return f"{urlsplit(base_url).netloc.lower()}/{namespace}/{PROVIDER_TYPE}"


def provider_path(namespace: str) -> str:
    return f"{PROVIDERS_V1}/{namespace}/{PROVIDER_TYPE}"


def documents(base_url: str, namespace: str, archives: Iterable[Archive], key: SigningKey) -> dict[str, Any]:
    """Relative path in the site -> JSON document; every URL in them is under `base_url`."""
    by_version: dict[str, list[Archive]] = {}
    for archive in archives:
        by_version.setdefault(archive.version, []).append(archive)
    root = provider_path(namespace)
    docs: dict[str, Any] = {DISCOVERY: {"providers.v1": f"{base_url}/{PROVIDERS_V1}/"}}
    docs[f"{root}/versions"] = {
        "versions": [
            {
                "version": version,
                "protocols": PROTOCOLS,
                "platforms": [{"os": a.os, "arch": a.arch} for a in found],
            }
            for version, found in sorted(by_version.items())
        ]
    }
    public_key = {
        "key_id": key.key_id,
        "ascii_armor": key.ascii_armor,
        "trust_signature": "",
        "source": "",
        "source_url": None,
    }
    for version, found in by_version.items():
        sums = f"{base_url}/{sums_name(version)}"
        for archive in found:
            docs[f"{root}/{version}/download/{archive.os}/{archive.arch}"] = {
                "protocols": PROTOCOLS,
                "os": archive.os,
                "arch": archive.arch,
                "filename": archive.filename,
                "download_url": f"{base_url}/{archive.filename}",
                "shasums_url": sums,
                "shasums_signature_url": f"{sums}.sig",
                "shasum": archive.sha256,
                "signing_keys": {"gpg_public_keys": [public_key]},
            }
    return docs
