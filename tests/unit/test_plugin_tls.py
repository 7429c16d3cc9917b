"""The plugin's cached TLS certificate (terraform_provider_intune.plugin.tls): a valid cache is used
without importing cryptography; an expiring, corrupt or missing one falls back to `tf`'s own
certificate and is written again, readable by the user only."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from terraform_provider_intune.plugin import tls

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # tf's own cache too
    return tmp_path


def test_store_then_load(cache_home: Path) -> None:
    path = tls.cache_path()
    assert path.is_relative_to(cache_home)
    tls.store(path, b"der", b"key", b"cert", time.time() + 7200)
    assert tls.load_cached(path) == (b"der", b"key", b"cert")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_expiring_or_broken_cache_is_not_used(cache_home: Path) -> None:
    path = tls.cache_path()
    tls.store(path, b"der", b"key", b"cert", time.time() + tls.MARGIN_S - 5)
    assert tls.load_cached(path) is None  # less than the margin left
    for text in ("", "{", "[]", json.dumps({"not_after": "soon"}), json.dumps({"not_after": 1e12})):
        path.write_text(text)
        assert tls.load_cached(path) is None, text
    assert tls.load_cached(path.with_name("missing.json")) is None


def test_falls_back_to_tf_and_caches_its_certificate(cache_home: Path) -> None:
    tls.install()
    chain, credentials = tls.self_signed_cert()  # no cache: tf makes one (cryptography)
    assert credentials is not None
    cached = tls.load_cached(tls.cache_path())
    assert cached is not None and cached[0] == chain
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cached[2])
    data = json.loads(tls.cache_path().read_text())
    assert data["not_after"] == cert.not_valid_after_utc.timestamp()
    again, _ = tls.self_signed_cert()  # from the cache: the same certificate
    assert again == chain


def test_a_cached_start_imports_no_cryptography(cache_home: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "XDG_CACHE_HOME": str(cache_home / "cache"),
        "HOME": str(cache_home / "home"),
    }
    code = (
        "import sys\n"
        "from terraform_provider_intune.plugin import tls\n"
        "tls.install()\n"
        "chain, creds = tls.self_signed_cert()\n"
        "print(int('cryptography' in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "1"  # made the certificate
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "0"  # the cached one, no cryptography
