"""A lock file that holds across machines: `intune-provider install` run from two venvs into two
directories writes packages with one `h1:` hash, so the `.terraform.lock.hcl` that `terraform init`
wrote against one install is accepted by `terraform init` against the other, which then validates
and applies with the other venv's Python (through the plugin cache too). A venv that is gone gets
Terraform's error with our one line naming the fix.

The second venv is a real one (its own `bin/python`, another path) that borrows the first one's
packages through a `.pth` file, so no download is needed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION
from terraform_provider_intune.mirror import PYTHON_POINTER, terraform_platform
from tests.terraform_support import TERRAFORM, Workdir, config

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(TERRAFORM is None, reason="terraform not on PATH")]

H1 = re.compile(r'"(h1:[A-Za-z0-9+/=]+)"')


def second_venv(path: Path) -> Path:
    """A venv with its own interpreter path that imports this venv's packages; its Python."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(path)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_path("purelib")
    (Path(purelib) / "borrow.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return python


def install_with(python: Path | str, target: Path) -> Path:
    out = subprocess.run(
        [str(python), "-m", "terraform_provider_intune.cli", "install", "--dir", str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def lock_hashes(lock_file: Path) -> list[str]:
    text = lock_file.read_text()
    block = text[text.index(f'provider "{PROVIDER_SOURCE}"') :]
    return H1.findall(block[: block.index("}")])


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(A's terraform.rc from this venv, B's from another venv in another directory)."""
    root = tmp_path_factory.mktemp("installs")
    rc_a = install_with(Path(sys.executable).with_name("python"), root / "machine-a" / "tools")
    rc_b = install_with(second_venv(root / "machine-b" / "venv"), root / "machine-b" / "elsewhere" / "tf")
    return rc_a, rc_b


def test_two_installs_give_one_h1_and_a_lock_file_holds_on_the_other(
    installs: tuple[Path, Path], tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    rc_a, rc_b = installs
    python_a = (rc_a.parent / PYTHON_POINTER).read_text().strip()
    python_b = (rc_b.parent / PYTHON_POINTER).read_text().strip()
    assert python_a != python_b and Path(python_b).is_relative_to(rc_b.parent.parent.parent)

    # machine A: init writes the lock file (what a team commits)
    env = graph_emulator.env()
    a = Workdir(tmp_path / "repo-a", rc_a, env)
    a.write(config({"one": {"display_name": "Lock file holds", "issuer": "purebred"}}))
    a.init()
    (h1_a,) = lock_hashes(a.path / ".terraform.lock.hcl")

    # the hash of B's package, computed by Terraform from B's mirror alone
    probe = Workdir(tmp_path / "probe", rc_b, env)
    probe.write(config({"one": {"display_name": "x", "issuer": "purebred"}}))
    mirror_b = rc_b.parent / "mirror"
    probe.run("providers", "lock", f"-fs-mirror={mirror_b}", f"-platform={terraform_platform()}")
    assert lock_hashes(probe.path / ".terraform.lock.hcl") == [h1_a]

    # machine B: the committed lock file, another directory, another venv
    b = Workdir(tmp_path / "repo-b", rc_b, env)
    shutil.copy(a.path / "main.tf.json", b.path / "main.tf.json")
    shutil.copy(a.path / ".terraform.lock.hcl", b.path / ".terraform.lock.hcl")
    b.init()
    assert lock_hashes(b.path / ".terraform.lock.hcl") == [h1_a], "init kept the committed hash"
    b.run("validate", "-no-color")
    b.apply()
    created = graph_emulator.get_object(b.outputs()["one_id"])
    assert created is not None and created["displayName"] == "Lock file holds"
    assert b.plan_exit_code()[0] == 0

    # the check can fail: a lock file recording another package is refused
    c = Workdir(tmp_path / "repo-c", rc_b, env)
    shutil.copy(a.path / "main.tf.json", c.path / "main.tf.json")
    other = h1_a[:-8] + ("AAAAAAA=" if not h1_a.endswith("AAAAAAA=") else "BBBBBBB=")
    (c.path / ".terraform.lock.hcl").write_text(
        (a.path / ".terraform.lock.hcl").read_text().replace(h1_a, other)
    )
    refused = c.run("init", "-input=false", "-no-color", check=False)
    assert refused.returncode != 0
    assert "doesn't match any of the checksums" in " ".join(refused.stderr.split())
    b.run("destroy", "-auto-approve", "-input=false", "-no-color")


def test_through_a_plugin_cache_the_launcher_still_finds_its_python(
    installs: tuple[Path, Path], tmp_path: Path
) -> None:
    """With TF_PLUGIN_CACHE_DIR Terraform links the working directory to the cache and the cache to
    the mirror; the launcher follows both links to `python-path`."""
    _, rc_b = installs
    cache = tmp_path / "plugin-cache"
    cache.mkdir()
    work = Workdir(tmp_path / "cached", rc_b, {"TF_PLUGIN_CACHE_DIR": str(cache)})
    work.write(config({"one": {"display_name": "x", "issuer": "purebred"}}))
    work.init()
    cached = cache / PROVIDER_SOURCE / PROVIDER_VERSION / terraform_platform()
    assert cached.is_symlink() and (cached / f"terraform-provider-intune_v{PROVIDER_VERSION}").is_file()
    work.run("validate", "-no-color")


def test_a_gone_venv_is_named_with_its_fix_in_terraforms_error(tmp_path: Path) -> None:
    python = second_venv(tmp_path / "venv")
    rc = install_with(python, tmp_path / "tools")
    work = Workdir(tmp_path / "work", rc, {})
    work.write(config({"one": {"display_name": "x", "issuer": "purebred"}}))
    work.init()
    shutil.rmtree(tmp_path / "venv")  # the venv is rebuilt elsewhere, or deleted
    proc = work.run("validate", "-no-color", check=False)
    assert proc.returncode != 0
    text = " ".join(proc.stderr.split())
    assert f"the Python recorded in {rc.parent / PYTHON_POINTER} ({python}) is gone" in text, text
    assert f"Run: intune-provider install --dir {rc.parent}," in text
