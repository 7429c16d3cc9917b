"""`intune-provider install`: a package whose bytes are the same for every machine and venv (so the
`h1:` a lock file records holds everywhere), a launcher that still runs exactly the Python that
installed it, found through `python-path` beside `terraform.rc` from the launcher's real location,
and a message naming the fix when that Python is gone. The launcher runs here under `/bin/sh` with a
stand-in Python; tests/e2e/test_e2e_install.py runs it under real Terraform."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from terraform_provider_intune.mirror import (
    PYTHON_POINTER,
    executable_name,
    install,
    installation_problem,
    launcher_script,
    package_dir,
)


def package_hash(target: Path) -> str:
    """The package directory's files and bytes (what Terraform's `h1:` covers)."""
    digest = hashlib.sha256()
    package = package_dir(target / "mirror")
    for path in sorted(package.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fake_python(path: Path) -> Path:
    """A stand-in interpreter: prints its arguments, one per line, and where it runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@"\necho "cwd=$(pwd -P)"\necho "dir=$INTUNE_PROVIDER_INSTALL_DIR"\n'
    )
    path.chmod(0o755)
    return path


def launch(
    executable: Path, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **(env or {})},  # nothing of the venv on PATH
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_two_installs_from_two_venvs_write_the_same_package(tmp_path: Path) -> None:
    a = install(tmp_path / "a", python="/home/ann/proj/.venv/bin/python").parent
    b = install(tmp_path / "elsewhere" / "b", python="/opt/ci/venv-3.12/bin/python3").parent
    assert package_hash(a) == package_hash(b)
    assert [p.name for p in package_dir(a / "mirror").iterdir()] == [executable_name()]
    assert (a / PYTHON_POINTER).read_text() == "/home/ann/proj/.venv/bin/python\n"
    assert (b / PYTHON_POINTER).read_text() == "/opt/ci/venv-3.12/bin/python3\n"
    for path in (tmp_path / "a", tmp_path / "elsewhere"):
        assert not any(str(path) in p.read_text() for p in path.rglob("terraform-provider-*"))
    # the check can fail: the package differs when the launcher does
    (package_dir(b / "mirror") / executable_name()).write_text(launcher_script() + "# edited\n")
    assert package_hash(a) != package_hash(b)


def test_install_again_rewrites_the_pointer_and_drops_stray_files(tmp_path: Path) -> None:
    target = install(tmp_path / "t", python="/old/bin/python").parent
    stray = package_dir(target / "mirror") / "notes.txt"
    stray.write_text("left by hand")
    install(tmp_path / "t", python="/new/bin/python")
    assert not stray.exists()
    assert (target / PYTHON_POINTER).read_text() == "/new/bin/python\n"


def test_the_launcher_runs_the_recorded_python_through_linked_directories(tmp_path: Path) -> None:
    """Terraform links the mirror's package into `.terraform/providers` (and a plugin cache): the
    launcher resolves the links to find `python-path`, runs that Python with Terraform's arguments
    and leaves the working directory as Terraform set it."""
    python = fake_python(tmp_path / "venv with space" / "bin" / "python")
    target = install(tmp_path / "tools dir", python=str(python)).parent
    package = package_dir(target / "mirror")
    work = tmp_path / "work"
    cache = tmp_path / "cache" / "linux_amd64"
    linked = work / ".terraform" / "providers" / "linux_amd64"
    cache.parent.mkdir(parents=True)
    linked.parent.mkdir(parents=True)
    cache.symlink_to(package)
    linked.symlink_to(cache)
    # PWD as a parent process may leave it (subprocess's cwd= does not update it): the launcher must
    # return to the real working directory, where relative paths in the configuration point
    proc = launch(
        Path(".terraform/providers/linux_amd64") / executable_name(),
        "--arg",
        "two words",
        cwd=work,
        env={"PWD": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "-c" and "from terraform_provider_intune.main import main" in proc.stdout
    assert lines[-4:] == ["--arg", "two words", f"cwd={work.resolve()}", f"dir={target}"]


def test_a_gone_venv_gets_one_line_naming_the_fix(tmp_path: Path) -> None:
    """Terraform shows the first line a plugin prints on stdout ("Unrecognized remote plugin
    message: ..."), so the message is that one line."""
    target = install(tmp_path / "t", python=str(tmp_path / "gone" / "bin" / "python")).parent
    proc = launch(package_dir(target / "mirror") / executable_name(), cwd=tmp_path)
    assert proc.returncode == 1
    (line,) = proc.stdout.splitlines()
    assert (
        f"the Python recorded in {target / PYTHON_POINTER} ({tmp_path / 'gone' / 'bin' / 'python'}) is gone"
        in line
    )
    assert f"Run: intune-provider install --dir {target}," in line
    assert "release site" in line


def test_a_missing_pointer_gets_one_line_naming_the_fix(tmp_path: Path) -> None:
    """E.g. a package copied rather than linked (a filesystem without symlinks) or a deleted file."""
    target = install(tmp_path / "t").parent
    (target / PYTHON_POINTER).unlink()
    proc = launch(package_dir(target / "mirror") / executable_name(), cwd=tmp_path)
    assert proc.returncode == 1
    (line,) = proc.stdout.splitlines()
    assert f"{target / PYTHON_POINTER} is missing" in line
    assert "Run: intune-provider install --dir" in line


def test_a_python_without_the_provider_says_so(tmp_path: Path) -> None:
    """The venv is there but the package is not (uninstalled, or a venv rebuilt without it)."""
    bare = tmp_path / "bare" / "bin" / "python"
    bare.parent.mkdir(parents=True)
    base = getattr(sys, "_base_executable", sys.executable)
    bare.write_text(f'#!/bin/sh\nexec "{base}" -S "$@"\n')  # -S: no site-packages at all
    bare.chmod(0o755)
    target = install(tmp_path / "t", python=str(bare)).parent
    proc = launch(package_dir(target / "mirror") / executable_name(), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (line,) = proc.stdout.splitlines()
    assert "cannot load the provider (No module named 'terraform_provider_intune')" in line
    assert f"intune-provider install --dir {target};" in line


def test_installation_problem_names_the_fix(tmp_path: Path) -> None:
    unset = installation_problem({})
    assert (
        unset and "TF_CLI_CONFIG_FILE is not set" in unset and "failed to request discovery document" in unset
    )
    assert "intune-provider install --dir DIR" in unset
    missing = installation_problem({"TF_CLI_CONFIG_FILE": str(tmp_path / "nope.rc")})
    assert missing and "cannot be read" in missing
    other = tmp_path / "other.rc"
    other.write_text("provider_installation {\n  direct {}\n}\n")
    unrelated = installation_problem({"TF_CLI_CONFIG_FILE": str(other)})
    assert unrelated and "routes no terraform.local provider" in unrelated

    rc = install(tmp_path / "t", python=sys.executable)
    assert installation_problem({"TF_CLI_CONFIG_FILE": str(rc)}) is None
    (rc.parent / PYTHON_POINTER).write_text(str(tmp_path / "gone" / "python") + "\n")
    gone = installation_problem({"TF_CLI_CONFIG_FILE": str(rc)})
    assert gone and "is gone" in gone and f"intune-provider install --dir {rc.parent}" in gone
    (rc.parent / PYTHON_POINTER).unlink()
    absent = installation_problem({"TF_CLI_CONFIG_FILE": str(rc)})
    assert absent and f"{rc.parent / PYTHON_POINTER} is missing" in absent
    (package_dir(rc.parent / "mirror") / executable_name()).unlink()
    empty = installation_problem({"TF_CLI_CONFIG_FILE": str(rc)})
    assert empty and "holds no terraform.local/intune/intune/" in empty


def test_installation_problem_trusts_what_it_cannot_check(tmp_path: Path) -> None:
    """A network mirror, or a filesystem mirror of release zips: only Terraform can tell."""
    network = tmp_path / "network.rc"
    network.write_text(
        'provider_installation {\n  network_mirror {\n    url = "https://example.com/mirror/"\n'
        '    include = ["terraform.local/*/*"]\n  }\n}\n'
    )
    assert installation_problem({"TF_CLI_CONFIG_FILE": str(network)}) is None
    rc = install(tmp_path / "t")
    os.remove(package_dir(rc.parent / "mirror") / executable_name())
    (
        rc.parent
        / "mirror"
        / "terraform.local"
        / "intune"
        / "intune"
        / "terraform-provider-intune_0.1.0_linux_amd64.zip"
    ).write_bytes(b"PK")
    assert installation_problem({"TF_CLI_CONFIG_FILE": str(rc)}) is None


def test_the_pipeline_script_names_the_fix_when_the_provider_is_not_installed(tmp_path: Path) -> None:
    """docs/pipelines/intune-pipeline.sh stops before cdktf or Terraform run (which would say only
    `failed to request discovery document`)."""
    script = Path(__file__).resolve().parents[2] / "docs" / "pipelines" / "intune-pipeline.sh"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "INTUNE_", "CI"))}
    for step in ("diff", "plan", "deploy"):
        proc = subprocess.run(
            ["bash", str(script), step], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        message = " ".join(proc.stderr.split())
        assert f"no Terraform CLI config at {tmp_path}/.tools/terraform/terraform.rc" in message
        assert f"Run '{script} provider' first" in message
        assert proc.stdout == ""
