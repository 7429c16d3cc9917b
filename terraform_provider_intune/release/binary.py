"""The provider as a self-contained executable: a PyInstaller one-dir build of
`terraform_provider_intune.main:main`, with the interpreter and every dependency beside it.

One-dir, not one-file: a one-file build unpacks itself into a temporary directory on every start,
and Terraform starts one provider process per configuration and command (bench: "packaged provider").
The executable needs the glibc of the build machine or newer (docs/releases.md)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from intune_model.address import PROVIDER_TYPE, PROVIDER_VERSION
from intune_model.errors import IntuneError

EXECUTABLE = f"terraform-provider-{PROVIDER_TYPE}_v{PROVIDER_VERSION}"
# Whose modules go in: the provider's packages, collected whole (the registry imports specs by name).
PACKAGES = ("terraform_provider_intune", "intune_model", "intune_graph")
# What the provider never imports at run time but analysis would drag in: the extras, the tools, and
# pydantic's mypy plugin (which pulls mypy itself).
EXCLUDED = (
    "cdktf",
    "cdktn",
    "constructs",
    "jsii",
    "constructs_lib",
    "graph_emulator",
    "stacks",
    "trustme",
    "pytest",
    "mypy",
    "pydantic.mypy",
    "PyInstaller",
    "tkinter",
)
ENTRY = (
    '"""PyInstaller entry: what the `terraform-provider-intune` console script runs."""\n'
    "from terraform_provider_intune.main import main\n\n"
    "main()\n"
)
HANDSHAKE_PREFIX = b"1|6|"


def pyinstaller_available() -> bool:
    return importlib.util.find_spec("PyInstaller") is not None


def require_pyinstaller() -> None:
    if not pyinstaller_available():
        raise IntuneError(
            "building the provider executable needs PyInstaller (the [release] extra)",
            "pip install 'terraform-provider-intune[release]'",
        )


def source_root() -> Path:
    """The directory holding the provider's packages (a checkout or site-packages)."""
    import terraform_provider_intune

    return Path(terraform_provider_intune.__file__).resolve().parents[1]


def build_env() -> dict[str, str]:
    """A fixed hash seed (so frozen sets marshal alike in every build) and SOURCE_DATE_EPOCH passed on."""
    return {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}


def build_executable(work: Path) -> Path:
    """Build into `work`; return the one-dir bundle (`<work>/dist/<EXECUTABLE>/`), checked to answer
    Terraform's plugin handshake. Takes a minute or two."""
    require_pyinstaller()
    work.mkdir(parents=True, exist_ok=True)
    entry = work / "entry.py"
    entry.write_text(ENTRY)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--onedir",
        "--log-level",
        "WARN",
        "--name",
        EXECUTABLE,
        "--paths",
        str(source_root()),
        "--distpath",
        str(work / "dist"),
        "--workpath",
        str(work / "build"),
        "--specpath",
        str(work),
    ]
    for package in PACKAGES:
        command += ["--collect-submodules", package]
    for module in EXCLUDED:
        command += ["--exclude-module", module]
    proc = subprocess.run(
        [*command, str(entry)], cwd=work, env=build_env(), capture_output=True, text=True, timeout=1800
    )
    bundle = work / "dist" / EXECUTABLE
    if proc.returncode != 0 or not (bundle / EXECUTABLE).is_file():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise IntuneError(f"PyInstaller failed (exit code {proc.returncode})", tail)
    check_handshake(bundle / EXECUTABLE)
    return bundle


def check_handshake(executable: Path, timeout_s: float = 60.0) -> None:
    """Start the executable as Terraform would, with an empty environment (no Python, no venv, no
    PATH, a fresh HOME), and require the go-plugin handshake line; a bundle missing a module fails
    here, not in a user's `terraform init`. (`tf` keeps a cache under HOME: not in the bundle.)"""
    with tempfile.TemporaryDirectory(prefix="intune-provider-home-") as home:
        _handshake({"HOME": home, "PATH": ""}, executable, home, timeout_s)


def _handshake(env: dict[str, str], executable: Path, cwd: str, timeout_s: float) -> None:
    proc = subprocess.Popen(
        [str(executable)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    timer = threading.Timer(timeout_s, proc.kill)  # a hung start ends as an empty line
    timer.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith(HANDSHAKE_PREFIX):
            proc.kill()
            _, err = proc.communicate(timeout=10)
            detail = (err or b"").decode(errors="replace").strip().splitlines()[-10:]
            raise IntuneError(
                f"the built executable did not answer Terraform's handshake (got {line[:80]!r})",
                "\n".join(detail),
            )
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
