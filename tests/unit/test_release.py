"""The release site's pure parts: zips whose bytes depend only on the files packed, `SHA256SUMS`,
the registry and network-mirror documents, and the checks on `package`'s options. The build, the
signature and Terraform installing from the site are in tests/e2e/test_e2e_release.py."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION
from intune_model.errors import IntuneError
from terraform_provider_intune.release import network_mirror, registry
from terraform_provider_intune.release.archive import (
    ZIP_EPOCH,
    find_archives,
    sha256sums,
    sums_name,
    write_zip,
    zip_name,
)
from terraform_provider_intune.release.signing import SigningKey
from terraform_provider_intune.release.site import check_base_url, check_namespace, write_site

KEY = SigningKey("release@example.com", "4D3B4D0B748CA6E2", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...")


def bundle(root: Path, mtime: int) -> Path:
    """A stand-in for a PyInstaller one-dir bundle: an executable, a library, a symlink."""
    (root / "_internal" / "pkg").mkdir(parents=True)
    exe = root / f"terraform-provider-intune_v{PROVIDER_VERSION}"
    exe.write_bytes(b"\x7fELF stand-in")
    exe.chmod(0o700)
    (root / "_internal" / "libx.so.1").write_bytes(b"library")
    (root / "_internal" / "pkg" / "data.txt").write_text("data")
    (root / "_internal" / "pkg" / "data.txt").chmod(0o600)
    os.symlink("libx.so.1", root / "_internal" / "libx.so")
    for path in root.rglob("*"):
        os.utime(path, (mtime, mtime), follow_symlinks=False)
    return root


def test_two_zips_of_equal_files_are_equal_bytes(tmp_path: Path) -> None:
    """Modification times, creation order and umask differ; the zips do not."""
    one = write_zip(bundle(tmp_path / "a", 1_700_000_000), tmp_path / "one.zip")
    two = write_zip(bundle(tmp_path / "b", 1_800_000_000), tmp_path / "two.zip")
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert names == [
            "_internal/libx.so",
            "_internal/libx.so.1",
            "_internal/pkg/data.txt",
            f"terraform-provider-intune_v{PROVIDER_VERSION}",
        ]
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in infos}
        assert modes[f"terraform-provider-intune_v{PROVIDER_VERSION}"] == 0o755
        assert modes["_internal/pkg/data.txt"] == 0o644
        assert all(stat.S_ISREG(i.external_attr >> 16) for i in infos), "links are stored as files"
        assert archive.read("_internal/libx.so") == b"library"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_sets_the_entry_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    target = write_zip(bundle(tmp_path / "a", ZIP_EPOCH), tmp_path / "x.zip")
    with zipfile.ZipFile(target) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def write_zips(directory: Path, *platforms: str, version: str = PROVIDER_VERSION) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for platform in platforms:
        with zipfile.ZipFile(directory / zip_name(version, platform), "w") as archive:
            archive.writestr(f"terraform-provider-intune_v{version}", platform)


def test_archives_and_sums(tmp_path: Path) -> None:
    write_zips(tmp_path, "linux_amd64", "darwin_arm64")
    (tmp_path / "terraform-provider-intune_0.1.0_linux_amd64.zip.partial").write_text("")
    (tmp_path / "notes.zip").write_text("")
    archives = find_archives(tmp_path)
    assert [(a.version, a.platform) for a in archives] == [
        (PROVIDER_VERSION, "darwin_arm64"),
        (PROVIDER_VERSION, "linux_amd64"),
    ]
    for archive in archives:
        assert archive.sha256 == hashlib.sha256(archive.path.read_bytes()).hexdigest()
    assert sha256sums(archives[::-1]).splitlines() == [
        f"{a.sha256}  terraform-provider-intune_{PROVIDER_VERSION}_{a.platform}.zip" for a in archives
    ]
    assert sums_name("1.2.3") == "terraform-provider-intune_1.2.3_SHA256SUMS"


def test_registry_documents(tmp_path: Path) -> None:
    write_zips(tmp_path, "linux_amd64", "darwin_arm64")
    archives = find_archives(tmp_path)
    base = "https://tf.example.com/releases"
    docs = registry.documents(base, "contoso", archives, KEY)
    assert docs[".well-known/terraform.json"] == {"providers.v1": f"{base}/v1/providers/"}
    assert docs["v1/providers/contoso/intune/versions"] == {
        "versions": [
            {
                "version": PROVIDER_VERSION,
                "protocols": ["6.0"],
                "platforms": [{"os": "darwin", "arch": "arm64"}, {"os": "linux", "arch": "amd64"}],
            }
        ]
    }
    linux = next(a for a in archives if a.platform == "linux_amd64")
    download = docs[f"v1/providers/contoso/intune/{PROVIDER_VERSION}/download/linux/amd64"]
    sums = f"{base}/terraform-provider-intune_{PROVIDER_VERSION}_SHA256SUMS"
    assert download == {
        "protocols": ["6.0"],
        "os": "linux",
        "arch": "amd64",
        "filename": linux.filename,
        "download_url": f"{base}/{linux.filename}",
        "shasums_url": sums,
        "shasums_signature_url": sums + ".sig",
        "shasum": linux.sha256,
        "signing_keys": {
            "gpg_public_keys": [
                {
                    "key_id": KEY.key_id,
                    "ascii_armor": KEY.ascii_armor,
                    "trust_signature": "",
                    "source": "",
                    "source_url": None,
                }
            ]
        },
    }
    assert registry.source_address("https://TF.example.com:8443/x", "contoso") == (
        "tf.example.com:8443/contoso/intune"
    )


def test_network_mirror_documents_serve_the_constructs_address(tmp_path: Path) -> None:
    write_zips(tmp_path, "linux_amd64", "darwin_arm64")
    write_zips(tmp_path, "linux_amd64", version="0.0.9")
    archives = find_archives(tmp_path)
    docs = network_mirror.documents("https://tf.example.com", archives)
    root = f"mirror/{PROVIDER_SOURCE}"
    assert docs[f"{root}/index.json"] == {"versions": {"0.0.9": {}, PROVIDER_VERSION: {}}}
    current = docs[f"{root}/{PROVIDER_VERSION}.json"]["archives"]
    assert list(current) == ["darwin_arm64", "linux_amd64"]
    for platform, entry in current.items():
        archive = next(a for a in archives if a.platform == platform and a.version == PROVIDER_VERSION)
        assert entry == {
            "url": f"https://tf.example.com/{archive.filename}",
            "hashes": [f"zh:{archive.sha256}"],
        }
    assert list(docs[f"{root}/0.0.9.json"]["archives"]) == ["linux_amd64"]


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://tf.example.com", "https"),
        ("tf.example.com", "https"),
        ("https://", "no host"),
        ("https://tf.example.com/?x=1", "query"),
    ],
)
def test_base_url_is_checked(url: str, needle: str) -> None:
    with pytest.raises(IntuneError, match=needle) as caught:
        check_base_url(url)
    assert str(caught.value).startswith("--base-url")


def test_base_url_and_namespace_are_normalised() -> None:
    assert check_base_url("https://tf.example.com/releases/ ") == "https://tf.example.com/releases"
    assert check_namespace("Contoso-IT") == "contoso-it"
    for bad in ("", "-x", "x-", "a b", "a/b", "x" * 65):
        with pytest.raises(IntuneError, match=r"^--namespace"):
            check_namespace(bad)


def test_without_a_key_the_site_is_a_mirror_and_stale_signatures_go(tmp_path: Path) -> None:
    """Terraform refuses a registry provider without a signature: no registry documents then, and no
    `.sig` left over from an earlier signed run beside sums that changed."""
    write_zips(tmp_path, "linux_amd64")
    stale_sig = tmp_path / (sums_name(PROVIDER_VERSION) + ".sig")
    stale_sig.write_text("old")
    (tmp_path / "v1" / "providers" / "intune" / "intune").mkdir(parents=True)
    site = write_site(tmp_path, "https://tf.example.com", build=False, log=io.StringIO())
    assert site.signed_by is None
    assert not stale_sig.exists()
    assert not (tmp_path / "v1" / "providers" / "intune" / "intune").exists()
    assert (tmp_path / "mirror" / PROVIDER_SOURCE / "index.json").exists()
    assert (tmp_path / sums_name(PROVIDER_VERSION)).read_text() == sha256sums(site.archives)


def test_nothing_to_publish_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IntuneError, match=r"no terraform-provider-intune_<version>_<os>_<arch>\.zip in"):
        write_site(tmp_path, "https://tf.example.com", build=False)


def test_a_machine_without_openssls_store_trusts_certifis_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    """The executable's OpenSSL looks where the build machine keeps its roots; where they are not
    (RHEL, Alpine), the provider trusts certifi's bundle instead of nothing."""
    import ssl

    import certifi

    from intune_graph import tls

    assert tls.fallback_cafile() is None  # this machine has its store: nothing changes
    nowhere = ssl.DefaultVerifyPaths(
        None, None, "SSL_CERT_FILE", "/nowhere/cert.pem", "SSL_CERT_DIR", "/nowhere"
    )
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: nowhere)
    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", lambda self, purpose=None: None)
    assert tls.fallback_cafile() == certifi.where()
    assert tls.ssl_context({}).cert_store_stats()["x509_ca"] > 100
