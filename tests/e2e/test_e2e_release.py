"""The release site as a user's Terraform meets it (issue 16): `intune-provider package` writes it,
a static HTTPS server on loopback serves it (its certificate from a test CA named by SSL_CERT_FILE),
and in a clean environment (no venv, no Python on PATH, a fresh HOME, no CLI config) Terraform
installs the self-contained provider from `source = "localhost:<port>/intune/intune"`, checking the
GnuPG signature, then applies a `for_each` against the emulator, plans clean and destroys. The lock
file it wrote holds in another directory with a fresh plugin cache; the network mirror installs the
same package; tampered zips are refused; a lock file holds several platforms; `cdktf deploy` works
without `--skip-provider-lock`.

The executable is built once per source state (PyInstaller takes a minute or more), cached under
`.tools/release-cache/<hash of the provider's sources and the installed packages>/`."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCE_TYPE
from terraform_provider_intune.mirror import terraform_platform
from terraform_provider_intune.release.archive import PREFIX, sums_name, zip_name
from terraform_provider_intune.release.binary import PACKAGES
from tests.static_site import StaticSite, make_ca, serve_https
from tests.terraform_support import TERRAFORM

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".tools" / "release-cache"
BIN = Path(sys.executable).parent
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
ZIP = zip_name(PROVIDER_VERSION, terraform_platform())
SETTINGS = {
    "purebred": {"display_name": "Purebred (release e2e)", "issuer": "purebred"},
    "xtec": {"display_name": "X-Tec (release e2e)", "issuer": "xTec"},
}


def sources_digest() -> str:
    """What the executable is built from: the provider's sources, pyproject, the interpreter and every
    installed distribution's version."""
    digest = hashlib.sha256(sys.version.encode())
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


def run(
    cmd: list[str | Path], cwd: Path, env: Mapping[str, str], *, check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="session")
def provider_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This machine's release zip, built by the real `intune-provider package` once per source state."""
    cached = CACHE / sources_digest() / ZIP
    if not cached.exists():
        out = tmp_path_factory.mktemp("release-build")
        run(
            [BIN / "intune-provider", "package", "--out", out, "--base-url", "https://build.invalid"],
            out,
            os.environ,
        )
        shutil.rmtree(CACHE, ignore_errors=True)  # older source states are never used again
        cached.parent.mkdir(parents=True)
        shutil.copy(out / ZIP, cached.with_suffix(".partial"))
        os.replace(cached.with_suffix(".partial"), cached)
    return cached


@pytest.fixture(scope="module")
def gnupg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str]]:
    """A throwaway signing key in its own GNUPGHOME: (environment naming it, long key id)."""
    assert shutil.which("gpg"), "GnuPG is needed: apt-get install gnupg (.ci/run does)"
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    gpg = ["gpg", "--batch", "--passphrase", ""]
    run(
        [*gpg, "--quick-gen-key", "Intune Release Test <release@example.com>", "rsa2048", "sign", "never"],
        home,
        env,
    )
    listing = run([*gpg, "--with-colons", "--list-secret-keys"], home, env).stdout
    (key_id,) = [line.split(":")[4] for line in listing.splitlines() if line.startswith("sec:")]
    yield env, key_id
    run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], home, env, check=False)  # gpg started it


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_ca(tmp_path_factory.mktemp("site-ca"))


Publish = Callable[..., StaticSite]


@pytest.fixture(scope="module")
def publish(
    tmp_path_factory: pytest.TempPathFactory, provider_zip: Path, gnupg: tuple[dict[str, str], str], ca: Any
) -> Iterator[Publish]:
    """Serve a new site on its own port: this machine's zip and any `extra` zips, indexed and signed by
    the real `intune-provider package --no-build` with the site's own URL."""
    with ExitStack() as servers:

        def make(*, extra: Mapping[str, Path] = {}) -> StaticSite:
            root = tmp_path_factory.mktemp("site")
            shutil.copy(provider_zip, root / ZIP)
            for platform, path in extra.items():
                shutil.copy(path, root / zip_name(PROVIDER_VERSION, platform))
            site = servers.enter_context(serve_https(root, ca))
            env, key_id = gnupg
            cmd: list[str | Path] = [BIN / "intune-provider", "package", "--no-build", "--out", root]
            out = run([*cmd, "--base-url", site.base_url, "--gpg-key", key_id], root, env)
            assert out.stdout.strip().splitlines()[-1] == source(site)
            return site

        yield make


def source(site: StaticSite) -> str:
    return f"localhost:{site.port}/intune/intune"


@pytest.fixture(scope="module")
def site(publish: Publish) -> StaticSite:
    return publish()


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def ca_bundle(tmp_path_factory: pytest.TempPathFactory, ca: Any, emu: GraphEmulator) -> Path:
    """The site's CA and the emulator's in one file: Terraform reads SSL_CERT_FILE for the site, the
    provider for Graph."""
    bundle = tmp_path_factory.mktemp("ca-bundle") / "bundle.pem"
    bundle.write_text(ca[1].read_text() + emu.ca_file.read_text())
    return bundle


@pytest.fixture(scope="module")
def terraform_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PATH directory holding `terraform` and nothing else."""
    assert TERRAFORM, "terraform must be on PATH"
    path = tmp_path_factory.mktemp("path")
    (path / "terraform").symlink_to(Path(TERRAFORM).resolve())
    return path


CleanEnv = Callable[..., dict[str, str]]


@pytest.fixture
def clean_env(tmp_path: Path, terraform_only: Path, ca_bundle: Path, emu: GraphEmulator) -> CleanEnv:
    """`env -i` style: PATH with terraform only, a fresh HOME, the CA bundle and the emulator's
    credentials (the provider reads AZURE_* and INTUNE_GRAPH_ENDPOINT); no venv, no CLI config."""
    homes = iter(range(1000))

    def make(**extra: str) -> dict[str, str]:
        home = tmp_path / f"home-{next(homes)}"
        home.mkdir()
        env = {
            **emu.env(),
            "PATH": str(terraform_only),
            "HOME": str(home),
            "SSL_CERT_FILE": str(ca_bundle),
            "REQUESTS_CA_BUNDLE": str(ca_bundle),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            **extra,
        }
        for python in ("python", "python3", f"python3.{sys.version_info.minor}"):
            assert shutil.which(python, path=env["PATH"]) is None, f"{python} is reachable"
        return env

    return make


def configuration(provider_source: str) -> dict[str, Any]:
    """What a user writes: the provider from its address, and settings with `for_each`."""
    return {
        "terraform": {
            "required_providers": {"intune": {"source": provider_source, "version": PROVIDER_VERSION}}
        },
        "provider": {"intune": [{}]},
        "variable": {"settings": {"type": "map(object({display_name = string, issuer = string}))"}},
        "resource": {
            RESOURCE_TYPE: {
                "each": {
                    "for_each": "${var.settings}",
                    "display_name": "${each.value.display_name}",
                    "issuer": "${each.value.issuer}",
                }
            }
        },
        "output": {"ids": {"value": f"${{{{ for k, s in {RESOURCE_TYPE}.each : k => s.id }}}}"}},
    }


def workdir(path: Path, provider_source: str, resources: Mapping[str, Any] = SETTINGS) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "main.tf.json").write_text(json.dumps(configuration(provider_source)))
    (path / "terraform.tfvars.json").write_text(json.dumps({"settings": dict(resources)}))
    return path


def terraform(
    path: Path, env: Mapping[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run(["terraform", *args, "-no-color"], path, {**env}, check=check, timeout=300)


def said(proc: subprocess.CompletedProcess[str]) -> str:
    """What Terraform printed, with its line wrapping undone."""
    return " ".join((proc.stdout + proc.stderr).split())


def lock_hashes(path: Path) -> list[str]:
    return re.findall(r'"((?:h1|zh):[^"]+)"', (path / ".terraform.lock.hcl").read_text())


def test_registry_site_installs_applies_plans_clean_and_destroys(
    site: StaticSite, clean_env: CleanEnv, emu: GraphEmulator, tmp_path: Path, provider_zip: Path
) -> None:
    env = clean_env()
    work = workdir(tmp_path / "work", source(site))

    init = terraform(work, env, "init", "-input=false")
    # Terraform checked the signature and says whose key it was
    key_id = re.search(r"key ID ([0-9A-F]{16})", init.stdout)
    assert key_id, init.stdout
    assert f"Installed {source(site)} v{PROVIDER_VERSION} (self-signed, key ID {key_id[1]})" in init.stdout
    assert hashlib.sha256(provider_zip.read_bytes()).hexdigest() in "".join(lock_hashes(work))
    requested = [path for _, path, _, _ in site.requests]
    assert "/.well-known/terraform.json" in requested and f"/{sums_name(PROVIDER_VERSION)}.sig" in requested

    # one version number: the zip, the lock file, `terraform version` and `intune-provider version`
    selections = json.loads(terraform(work, env, "version", "-json").stdout)["provider_selections"]
    assert selections == {source(site): PROVIDER_VERSION}
    cli = run([BIN / "intune-provider", "version"], tmp_path, os.environ).stdout.split()
    assert cli == [PROVIDER_SOURCE, PROVIDER_VERSION]

    terraform(work, env, "apply", "-auto-approve", "-input=false")
    ids = json.loads(terraform(work, env, "output", "-json").stdout)["ids"]["value"]
    assert set(ids) == set(SETTINGS)
    for key, expected in SETTINGS.items():
        stored = emu.get_object(ids[key])
        assert stored is not None and stored["displayName"] == expected["display_name"]

    plan = terraform(work, env, "plan", "-detailed-exitcode", "-input=false", check=False)
    assert plan.returncode == 0, plan.stdout + plan.stderr

    # the lock file holds in another directory, installing from an empty plugin cache
    other = workdir(tmp_path / "elsewhere", source(site))
    shutil.copy(work / ".terraform.lock.hcl", other / ".terraform.lock.hcl")
    cache = tmp_path / "fresh-plugin-cache"
    cache.mkdir()
    terraform(other, clean_env(TF_PLUGIN_CACHE_DIR=str(cache)), "init", "-input=false")
    assert (other / ".terraform.lock.hcl").read_text() == (work / ".terraform.lock.hcl").read_text()
    assert list(cache.rglob(f"{PREFIX}_v{PROVIDER_VERSION}")), "installed through the fresh cache"

    terraform(work, env, "destroy", "-auto-approve", "-input=false")
    assert all(emu.get_object(i) is None for i in ids.values())


def mirror_config(path: Path, site: StaticSite) -> Path:
    rc = path / "mirror.tfrc"
    rc.write_text(
        f'provider_installation {{\n  network_mirror {{\n    url = "{site.base_url}/mirror/"\n  }}\n}}\n'
    )
    return rc


def test_network_mirror_installs_the_same_package(
    site: StaticSite, clean_env: CleanEnv, tmp_path: Path
) -> None:
    """Under the constructs' address, through a network mirror only; the package's `h1:` is the one the
    registry install records, so a lock file holds whichever way a machine installs."""
    env = clean_env(TF_CLI_CONFIG_FILE=str(mirror_config(tmp_path, site)))
    work = workdir(tmp_path / "mirror", PROVIDER_SOURCE)
    init = terraform(work, env, "init", "-input=false")
    assert f"Installed {PROVIDER_SOURCE} v{PROVIDER_VERSION} (verified checksum)" in init.stdout
    terraform(work, env, "validate")  # the installed executable runs (schema and validation)
    registry = workdir(tmp_path / "registry", source(site))
    terraform(registry, clean_env(), "init", "-input=false")
    h1 = [h for h in lock_hashes(work) if h.startswith("h1:")]
    assert h1 and set(h1) <= set(lock_hashes(registry))


def tamper(zip_path: Path) -> str:
    """Replace the executable inside the zip; return the zip's new SHA-256."""
    original = zip_path.read_bytes()
    zip_path.unlink()
    with zipfile.ZipFile(zip_path, "w") as out, zipfile.ZipFile(io.BytesIO(original)) as source_zip:
        for info in source_zip.infolist():
            data = source_zip.read(info)
            if info.filename == f"{PREFIX}_v{PROVIDER_VERSION}":
                data = b"#!/bin/sh\necho tampered\n"
            out.writestr(info, data)
    return hashlib.sha256(zip_path.read_bytes()).hexdigest()


def test_tampered_zips_are_refused(publish: Publish, clean_env: CleanEnv, tmp_path: Path) -> None:
    evil = publish()
    env = clean_env()
    good = workdir(tmp_path / "good", source(evil))
    terraform(good, env, "init", "-input=false")  # the lock file a team commits, before the tampering

    new_hash = tamper(evil.root / ZIP)
    # the zip alone: its hash is not the signed one
    refused = terraform(
        workdir(tmp_path / "zip", source(evil)), clean_env(), "init", "-input=false", check=False
    )
    assert refused.returncode != 0
    assert "archive has incorrect checksum" in said(refused), refused.stderr

    # the zip, SHA256SUMS and the download document, without the key: the signature fails
    sums = evil.root / sums_name(PROVIDER_VERSION)
    sums.write_text(
        re.sub(rf"^[0-9a-f]{{64}}(  {re.escape(ZIP)})$", rf"{new_hash}\1", sums.read_text(), flags=re.M)
    )
    download = next((evil.root / "v1").rglob("download/*/*"))
    document = json.loads(download.read_text())
    download.write_text(json.dumps({**document, "shasum": new_hash}))
    refused = terraform(
        workdir(tmp_path / "sums", source(evil)), clean_env(), "init", "-input=false", check=False
    )
    assert refused.returncode != 0
    assert "error checking signature" in said(refused), refused.stderr

    # a mirror carries no signature: the committed lock file is what refuses the tampered package
    version_doc = next((evil.root / "mirror").rglob(f"{PROVIDER_VERSION}.json"))
    mirrored = json.loads(version_doc.read_text())
    for archive in mirrored["archives"].values():
        archive["hashes"] = [f"zh:{new_hash}"]
    version_doc.write_text(json.dumps(mirrored))
    locked = workdir(tmp_path / "locked", PROVIDER_SOURCE)
    lock = (good / ".terraform.lock.hcl").read_text().replace(source(evil), PROVIDER_SOURCE)
    (locked / ".terraform.lock.hcl").write_text(lock)
    mirror_env = clean_env(TF_CLI_CONFIG_FILE=str(mirror_config(tmp_path, evil)))
    refused = terraform(locked, mirror_env, "init", "-input=false", check=False)
    assert refused.returncode != 0
    assert "doesn't match any of the checksums previously recorded in the dependency lock file" in said(
        refused
    ), refused.stderr


def test_lock_file_for_several_platforms(
    publish: Publish, clean_env: CleanEnv, provider_zip: Path, tmp_path: Path
) -> None:
    """A site with the zips of two platforms (each built on its own runner; the darwin_arm64 zip here
    is a stand-in, since only its bytes are hashed) locks both; a platform without a zip fails by name."""
    stand_in = tmp_path / "darwin.zip"
    with zipfile.ZipFile(stand_in, "w") as archive:
        archive.writestr(f"{PREFIX}_v{PROVIDER_VERSION}", "built on a darwin_arm64 runner")
    two = publish(extra={"darwin_arm64": stand_in})
    work = workdir(tmp_path / "lock", source(two))
    env = clean_env()
    terraform(work, env, "providers", "lock", f"-platform={terraform_platform()}", "-platform=darwin_arm64")
    hashes = lock_hashes(work)
    zips = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (provider_zip, stand_in)}
    assert {h.removeprefix("zh:") for h in hashes if h.startswith("zh:")} == zips
    assert len([h for h in hashes if h.startswith("h1:")]) == 2
    terraform(work, env, "init", "-input=false")  # this machine's package matches the lock file
    assert lock_hashes(work) == hashes

    missing = terraform(work, env, "providers", "lock", "-platform=windows_amd64", check=False)
    assert missing.returncode != 0
    assert f"provider {source(two)} {PROVIDER_VERSION} is not available for windows_amd64" in said(missing), (
        missing.stderr
    )


APP = """
import cdktf
from constructs_lib import DerivedCredentialSettings, IntuneProvider

app = cdktf.App()
stack = cdktf.TerraformStack(app, "release")
IntuneProvider(stack, "intune", source={source!r})
setting = DerivedCredentialSettings(stack, "purebred", display_name="from a registry", issuer="purebred")
cdktf.TerraformOutput(stack, "purebred_id", value=setting.id)
app.synth()
"""


@pytest.mark.cdktf_cli
@pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)")
def test_cdktf_deploy_needs_no_skip_provider_lock(
    site: StaticSite, emu: GraphEmulator, ca_bundle: Path, tmp_path: Path
) -> None:
    """cdktf deploy runs `terraform providers lock -platform=linux_amd64` against the provider's origin:
    with a registry site that works, so no `--skip-provider-lock` (a filesystem mirror still needs it).
    (No `cdktf destroy`: it takes the same init path, and the emulator is thrown away.)"""
    project = tmp_path / "app"
    project.mkdir()
    (project / "main.py").write_text(APP.format(source=source(site)))
    cdktf_json = {"language": "python", "app": f"{sys.executable} main.py", "sendCrashReports": "false"}
    (project / "cdktf.json").write_text(json.dumps(cdktf_json))
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR")}
    env.update(emu.env())
    env.update(
        HOME=str(home),
        SSL_CERT_FILE=str(ca_bundle),
        REQUESTS_CA_BUNDLE=str(ca_bundle),
        PYTHONPATH=str(ROOT),
        CHECKPOINT_DISABLE="1",
        CI="1",
        NO_COLOR="1",
    )
    deployed = run(
        [CDKTF, "deploy", "release", "--auto-approve", "--outputs-file", project / "out.json"], project, env
    )
    assert "--skip-provider-lock" not in " ".join(map(str, deployed.args))
    setting_id = json.loads((project / "out.json").read_text())["release"]["purebred_id"]
    assert emu.get_object(setting_id) is not None
    lock = (project / "cdktf.out" / "stacks" / "release" / ".terraform.lock.hcl").read_text()
    assert f'provider "{source(site)}"' in lock
