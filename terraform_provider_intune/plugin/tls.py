"""The plugin's TLS certificate for go-plugin's handshake, without importing `cryptography` on start.

`tf` 1.2.0 caches its self-signed certificate, but checks the cached one's expiry by loading it
with `cryptography.x509`, which costs about 20 ms of import on a quiet machine (ten times that
under load) in every provider process Terraform starts: three per plan, one per alias. Here the
expiry is kept beside the certificate as a number, so a process with a valid cached certificate
imports nothing beyond gRPC, which the server needs anyway. Only when there is no usable cache
does `tf` make (or load) its certificate, with `cryptography`, and the result is cached here.

The cache holds the certificate's private key, as `tf`'s own does: a directory and a file only the
user can read (0700 / 0600), under `$XDG_CACHE_HOME` (default `~/.cache`).
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

CACHE_NAME = "plugin-tls.json"
MARGIN_S = 3600.0  # renew a certificate with less than an hour left (tf's last 7 days)


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "terraform-provider-intune" / CACHE_NAME


def _credentials(key_pem: bytes, cert_pem: bytes) -> Any:
    import grpc

    return grpc.ssl_server_credentials(
        private_key_certificate_chain_pairs=[(key_pem, cert_pem)], require_client_auth=False
    )


def load_cached(path: Path, now: float | None = None) -> tuple[bytes, bytes, bytes] | None:
    """(DER chain, key PEM, certificate PEM) from the cache when it is still valid for an hour."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if float(data["not_after"]) - (time.time() if now is None else now) <= MARGIN_S:
            return None
        return base64.b64decode(data["cert_chain"]), data["key_pem"].encode(), data["cert_pem"].encode()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(path: Path, chain: bytes, key_pem: bytes, cert_pem: bytes, not_after: float) -> None:
    """Write the cache (best effort: a read-only home only costs the next start the slow path)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{CACHE_NAME}.{os.getpid()}")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "not_after": not_after,
                    "cert_chain": base64.b64encode(chain).decode(),
                    "key_pem": key_pem.decode(),
                    "cert_pem": cert_pem.decode(),
                },
                fh,
            )
        os.replace(tmp, path)  # atomic: processes starting together never read half a file
    except OSError:
        pass


def _from_tf() -> tuple[bytes, Any]:
    """`tf`'s own certificate (made, or loaded from its cache, with `cryptography`), cached here."""
    import tf.runner
    from cryptography import x509

    chain, credentials = _TF_SELF_SIGNED_CERT()
    try:
        cached = json.loads(tf.runner._get_cert_cache_path().read_text(encoding="utf-8"))
        cert_pem = cached["cert_pem"].encode()
        if base64.b64decode(cached["cert_chain"]) == chain:
            not_after = x509.load_pem_x509_certificate(cert_pem).not_valid_after_utc.timestamp()
            store(cache_path(), chain, cached["key_pem"].encode(), cert_pem, not_after)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return chain, credentials


def self_signed_cert() -> tuple[bytes, Any]:
    """What `tf.runner._self_signed_cert` returns: the DER certificate for the handshake line and the
    gRPC server credentials."""
    cached = load_cached(cache_path())
    if cached is None:
        return _from_tf()
    chain, key_pem, cert_pem = cached
    return chain, _credentials(key_pem, cert_pem)


_TF_SELF_SIGNED_CERT: Any = None


def install() -> None:
    """Make `tf.runner.run_provider` use `self_signed_cert` (call before it)."""
    global _TF_SELF_SIGNED_CERT
    import tf.runner

    if _TF_SELF_SIGNED_CERT is None:
        _TF_SELF_SIGNED_CERT = tf.runner._self_signed_cert
    tf.runner._self_signed_cert = self_signed_cert
