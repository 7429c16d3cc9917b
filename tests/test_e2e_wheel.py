"""Packaging: `python -m build` makes a wheel that installs into a fresh virtualenv (dependencies
from PyPI through pip's cache) where the provider works without this checkout: the plain-HCL
example and the documented CDKTF example apply against the emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import constructs_lib
from graph_emulator import GraphEmulator
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with only the built wheel (and its dependencies) installed."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT, cwd=base)
    (wheel,) = dist.glob("terraform_provider_intune-*.whl")
    assert wheel.name.startswith(f"terraform_provider_intune-{constructs_lib.__version__}-")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=base)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=base, env=env)
    return venv


def clean_env(venv: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra, "CHECKPOINT_DISABLE": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def test_the_wheel_installs_and_works_in_a_fresh_venv(
    fresh_venv: Path, tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    env = clean_env(fresh_venv, graph_emulator.env())
    python = fresh_venv / "bin" / "python"
    probe = run(
        python,
        "-c",
        "import importlib.metadata as m, constructs_lib, terraform_provider_intune as p;"
        "print(constructs_lib.__version__, m.version('terraform-provider-intune'), p.__file__)",
        cwd=tmp_path,
        env=env,
    ).split()
    assert probe[0] == probe[1] == constructs_lib.__version__
    assert str(fresh_venv) in probe[2], "the installed package is used, not this checkout"
    assert constructs_lib.__version__ in run(
        fresh_venv / "bin" / "intune-provider", "version", cwd=tmp_path, env=env
    )
    assert (Path(probe[2]).parent / "py.typed").exists()

    rc = Path(
        run(
            fresh_venv / "bin" / "intune-provider", "install", "--dir", tmp_path / "tf", cwd=tmp_path, env=env
        )
        .strip()
        .splitlines()[-1]
    )
    assert str(python) in next((rc.parent / "mirror").rglob("terraform-provider-intune_v*")).read_text()

    # the plain-HCL example
    module = tmp_path / "hcl"
    shutil.copytree(ROOT / "examples" / "terraform", module, ignore=shutil.ignore_patterns(".terraform*"))
    tf = Workdir(module, rc, env)
    tf.init()
    tf.apply()
    hcl_id = tf.outputs()["id"]
    assert graph_emulator.get_object(hcl_id) is not None

    # the documented CDKTF example, synthesized by the fresh venv's Python
    app = tmp_path / "cdktf"
    app.mkdir()
    shutil.copy(ROOT / "examples" / "cdktf" / "main.py", app / "main.py")
    run(python, "main.py", cwd=app, env=env)
    stack = Workdir(app / "cdktf.out" / "stacks" / "intune-example", rc, env)
    stack.init()
    stack.apply()
    outputs = stack.outputs()
    assert outputs["read_back_issuer"] == "purebred"
    assert {hcl_id, outputs["purebred_id"]} == {o["id"] for o in graph_emulator.objects()}
