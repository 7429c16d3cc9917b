"""The merge step of docs/pipelines/release.yml, run as the workflow runs it (bash, sha256sum, gpg,
jq), over per-platform zips: the site it writes, served over HTTPS on loopback, installs the provider
with `terraform init` from `source = "localhost:<port>/intune/intune"` and no CLI config (the signed
SHA256SUMS checked), records every platform's hash with `terraform providers lock`, serves the
network mirror under the constructs' address, and a tampered zip is refused.

The zips hold a stand-in executable (a launcher running this venv's provider) instead of the
PyInstaller build: what is tested here is the workflow's site, not the binary."""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from intune_model.address import PROVIDER_VERSION
from terraform_provider_intune.mirror import terraform_platform
from tests.terraform_support import TERRAFORM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TERRAFORM is None, reason="terraform not on PATH"),
    pytest.mark.skipif(
        not all(shutil.which(t) for t in ("gpg", "jq", "sha256sum")), reason="needs gpg, jq, sha256sum"
    ),
]

WORKFLOW = Path(__file__).resolve().parents[2] / "docs" / "pipelines" / "release.yml"
STEP = "- name: SHA256SUMS over every zip"
PREFIX = f"terraform-provider-intune_{PROVIDER_VERSION}"


def step_script(name: str = STEP) -> str:
    """The `run: |` block of the named step, as the runner gets it."""
    lines = WORKFLOW.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(name))
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    indent = len(lines[run + 1]) - len(lines[run + 1].lstrip())
    body = []
    for line in lines[run + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        body.append(line[indent:])
    return "\n".join(body) + "\n"


def stand_in_zip(path: Path, plat: str) -> None:
    exe = f"terraform-provider-intune_v{PROVIDER_VERSION}"
    info = zipfile.ZipInfo(exe)
    info.external_attr = 0o755 << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, f'#!/bin/sh\nexec "{sys.executable}" -m terraform_provider_intune.main "$@"\n')
        archive.writestr("PLATFORM", plat)  # each platform's zip differs, as real builds do


@pytest.fixture(scope="module")
def gpg_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(armored secret key, passphrase): what the workflow reads from its secrets."""
    home = tmp_path_factory.mktemp("gnupg")
    env = {**os.environ, "GNUPGHOME": str(home)}
    passphrase = "release-test"
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase]
    subprocess.run(
        [*gpg, "--quick-gen-key", "Release Test <release@example.com>", "rsa2048", "sign", "never"],
        env=env,
        check=True,
        capture_output=True,
    )
    armored = subprocess.run(
        [*gpg, "--armor", "--export-secret-keys"], env=env, check=True, capture_output=True, text=True
    ).stdout
    return armored, passphrase


@contextlib.contextmanager
def https_site(root: Path, ca: trustme.CA) -> Iterator[tuple[int, list[str]]]:
    """Serve `root` over HTTPS on 127.0.0.1 ('localhost' in the certificate); (port, paths asked)."""
    asked: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            asked.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), asked
    finally:
        server.shutdown()
        server.server_close()


def terraform(
    cwd: Path, env: dict[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [TERRAFORM or "terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert proc.returncode == 0, f"terraform {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def config(source: str) -> str:
    return (
        "terraform {\n  required_providers {\n"
        f'    intune = {{ source = "{source}", version = "{PROVIDER_VERSION}" }}\n'
        '  }\n}\nprovider "intune" {}\n'
    )


def test_the_release_workflows_site_installs_signed_and_mirrored(
    tmp_path: Path, gpg_key: tuple[str, str]
) -> None:
    site = tmp_path / "work" / "site"
    site.mkdir(parents=True)
    here = terraform_platform()
    other = "darwin_arm64" if here != "darwin_arm64" else "linux_amd64"
    for plat in (here, other):  # what the build jobs' artifacts put there
        stand_in_zip(site / f"{PREFIX}_{plat}.zip", plat)
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    home = tmp_path / "home"
    home.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GNUPG", "SSL_CERT"))}
    with https_site(site, ca) as (port, asked):
        armored, passphrase = gpg_key
        run = subprocess.run(
            ["bash", "-e", "-c", step_script()],
            cwd=site.parent,
            env={
                **base,
                "GITHUB_REF_NAME": f"v{PROVIDER_VERSION}",
                "BASE_URL": f"https://localhost:{port}",
                "NAMESPACE": "intune",
                "GPG_PRIVATE_KEY": armored,
                "GPG_PASSPHRASE": passphrase,
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        sums = (site / f"{PREFIX}_SHA256SUMS").read_text().splitlines()
        assert sorted(line.split()[1] for line in sums) == sorted(f"{PREFIX}_{p}.zip" for p in (here, other))

        # a user with no CLI config, a fresh HOME, trusting the site's CA
        env = {
            **base,
            "HOME": str(home),
            "CHECKPOINT_DISABLE": "1",
            "SSL_CERT_FILE": str(ca_file),
            "TF_CLI_CONFIG_FILE": str(tmp_path / "none.tfrc"),
        }
        (tmp_path / "none.tfrc").write_text("")
        work = tmp_path / "registry"
        work.mkdir()
        (work / "main.tf").write_text(config(f"localhost:{port}/intune/intune"))
        init = terraform(work, env, "init", "-input=false", "-no-color")
        assert re.search(
            r"Installed localhost:\d+/intune/intune v0\.1\.0 \((self-)?signed, key ID [0-9A-F]+\)",
            init.stdout,
        ), init.stdout
        terraform(work, env, "validate", "-no-color")  # Terraform ran the installed executable
        locked = terraform(work, env, "providers", "lock", f"-platform={here}", f"-platform={other}")
        lock = (work / ".terraform.lock.hcl").read_text()
        assert lock.count('"zh:') == 2, lock + locked.stdout + locked.stderr

        # the network mirror, under the address the constructs write
        mirror_rc = tmp_path / "mirror.tfrc"
        mirror_rc.write_text(
            "provider_installation {\n  network_mirror {\n"
            f'    url     = "https://localhost:{port}/mirror/"\n    include = ["terraform.local/*/*"]\n  }}\n'
            '  direct {\n    exclude = ["terraform.local/*/*"]\n  }\n}\n'
        )
        mirrored = tmp_path / "mirrored"
        mirrored.mkdir()
        (mirrored / "main.tf").write_text(config("terraform.local/intune/intune"))
        terraform(
            mirrored, {**env, "TF_CLI_CONFIG_FILE": str(mirror_rc)}, "init", "-input=false", "-no-color"
        )
        assert any(p.startswith("/mirror/terraform.local/intune/intune/") for p in asked)

        # a tampered zip is refused: its hash no longer matches the signed SHA256SUMS
        with zipfile.ZipFile(site / f"{PREFIX}_{here}.zip", "a") as archive:
            archive.writestr("extra.txt", "tampered")
        tampered = tmp_path / "tampered"
        tampered.mkdir()
        (tampered / "main.tf").write_text(config(f"localhost:{port}/intune/intune"))
        refused = terraform(
            tampered, {**env, "HOME": str(tmp_path)}, "init", "-input=false", "-no-color", check=False
        )
        assert refused.returncode != 0
        assert "checksum" in " ".join(refused.stderr.split()).lower(), refused.stderr
