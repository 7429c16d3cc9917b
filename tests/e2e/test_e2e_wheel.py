"""Packaging: `python -m build` makes a wheel that installs into a fresh virtualenv (dependencies
from PyPI through pip's cache) where the provider works without this checkout.

The plain wheel is the provider, the Graph client and the CLI: it installs no CDK engine and no
emulator, runs the plain-HCL example against the emulator (which runs here, in the test's process),
and says which extra to install when the constructs, the emulator or its fixtures are asked for. Then
the `[cdktf,emulator]` extras go into the same venv and the documented CDKTF example applies.
The tests share the venv and run in file order: plain first, extras second."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import constructs_lib
from graph_emulator import GraphEmulator
from terraform_provider_intune.mirror import launcher_script
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# What only the extras bring: the CDK engine (`[cdktf]`) and the emulator's own package (`[emulator]`).
EXTRA_ONLY = ("cdktf", "constructs", "jsii", "trustme")


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def run_failing(*cmd: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode != 0, f"{' '.join(map(str, cmd))} should fail\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT, cwd=dist)
    (built,) = dist.glob("terraform_provider_intune-*.whl")
    assert built.name.startswith(f"terraform_provider_intune-{constructs_lib.__version__}-")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with only the built wheel (and its dependencies) installed: no extras."""
    venv = tmp_path_factory.mktemp("wheel") / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    pip_install(venv, wheel)
    return venv


def pip_install(venv: Path, *requirements: str | Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", *requirements, cwd=venv, env=env)


def clean_env(venv: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra, "CHECKPOINT_DISABLE": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def installed(python: Path, names: tuple[str, ...], cwd: Path, env: dict[str, str]) -> list[str]:
    """Which of these top-level packages the venv's Python can import."""
    probe = f"import importlib.util as u; print(*[n for n in {names!r} if u.find_spec(n)])"
    return run(python, "-c", probe, cwd=cwd, env=env).split()


def test_the_plain_wheel_serves_terraform_without_the_extras(
    fresh_venv: Path, tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    env = clean_env(fresh_venv, graph_emulator.env())
    python = fresh_venv / "bin" / "python"
    assert installed(python, EXTRA_ONLY, tmp_path, env) == []

    # the provider's modules, the Graph client and the CLI load without any extra
    loaded = run(
        python,
        "-c",
        "import sys, importlib.metadata as m, terraform_provider_intune as p;"
        "import terraform_provider_intune.main, terraform_provider_intune.cli;"
        "import terraform_provider_intune.plugin.provider, terraform_provider_intune.handler;"
        "import intune_graph.client, intune_graph.credentials;"
        "print(m.version('terraform-provider-intune'), p.__file__);"
        f"print(*[n for n in {(*EXTRA_ONLY, 'graph_emulator', 'constructs_lib')!r} if n in sys.modules])",
        cwd=tmp_path,
        env=env,
    ).splitlines()
    version, package_file = loaded[0].split()
    assert version == constructs_lib.__version__
    assert str(fresh_venv) in package_file, "the installed package is used, not this checkout"
    assert loaded[1:] == [""], f"the provider imported {loaded[1]}"
    assert (Path(package_file).parent / "py.typed").exists()
    assert "install" in run(fresh_venv / "bin" / "intune-provider", "--help", cwd=tmp_path, env=env)
    assert constructs_lib.__version__ in run(
        fresh_venv / "bin" / "intune-provider", "version", cwd=tmp_path, env=env
    )

    # Terraform runs the plain wheel's provider: the plain-HCL example applies against the emulator
    rc = Path(
        run(
            fresh_venv / "bin" / "intune-provider", "install", "--dir", tmp_path / "tf", cwd=tmp_path, env=env
        )
        .strip()
        .splitlines()[-1]
    )
    # the package is the same launcher for every venv; this venv's Python is named beside terraform.rc
    assert next((rc.parent / "mirror").rglob("terraform-provider-intune_v*")).read_text() == launcher_script()
    assert (rc.parent / "python-path").read_text() == f"{python}\n"
    module = tmp_path / "hcl"
    shutil.copytree(ROOT / "examples" / "terraform", module, ignore=shutil.ignore_patterns(".terraform*"))
    tf = Workdir(module, rc, env)
    tf.init()
    tf.apply()
    assert graph_emulator.get_object(tf.outputs()["id"]) is not None

    # the constructs and the emulator say which extra they need, in one line, not a traceback
    constructs = run_failing(python, "-c", "import constructs_lib", cwd=tmp_path, env=env)
    last = constructs.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: constructs_lib needs a CDK engine"), constructs.stderr
    assert "pip install 'terraform-provider-intune[cdktf]'" in last
    emulator = run_failing(
        fresh_venv / "bin" / "graph-emulator", "status", "--data-dir", tmp_path, cwd=tmp_path, env=env
    )
    assert emulator.returncode == 1
    assert emulator.stderr.strip().splitlines() == [
        "graph-emulator: the Graph emulator needs the [emulator] extra (No module named 'trustme'): "
        "pip install 'terraform-provider-intune[emulator]'"
    ]


def test_the_pytest_plugin_is_harmless_without_the_emulator_extra(fresh_venv: Path, tmp_path: Path) -> None:
    """pytest loads the `graph_emulator` plugin from the wheel's entry point in any suite of this venv:
    tests that do not use its fixtures pass; one that does errors with the line naming the extra."""
    env = clean_env(fresh_venv, {"COLUMNS": "250"})
    pip_install(fresh_venv, "pytest")
    assert installed(fresh_venv / "bin" / "python", EXTRA_ONLY, tmp_path, env) == []
    (tmp_path / "test_suite.py").write_text(
        textwrap.dedent(
            """
            def test_without_fixtures():
                assert True

            def test_with_the_emulator(graph_emulator):
                pass
            """
        )
    )
    proc = subprocess.run(
        [str(fresh_venv / "bin" / "pytest"), "-p", "no:cacheprovider", "-rE", "test_suite.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 passed, 1 error" in proc.stdout
    assert "terraform-provider-intune" in next(
        line for line in proc.stdout.splitlines() if "plugins:" in line
    )
    assert (
        "ERROR test_suite.py::test_with_the_emulator - Failed: the Graph emulator needs the [emulator] extra"
        in proc.stdout
    ), proc.stdout
    assert "Traceback" not in proc.stdout and "direct cause" not in proc.stdout, proc.stdout


def test_the_extras_add_the_constructs_and_the_emulator(
    wheel: Path, fresh_venv: Path, tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    pip_install(fresh_venv, f"{wheel}[cdktf,emulator]")
    env = clean_env(fresh_venv, graph_emulator.env())
    python = fresh_venv / "bin" / "python"
    assert installed(python, EXTRA_ONLY, tmp_path, env) == list(EXTRA_ONLY)
    assert run(
        python, "-c", "import constructs_lib; print(constructs_lib.__version__)", cwd=tmp_path, env=env
    ).strip() == (constructs_lib.__version__)

    # the documented CDKTF example, synthesized by the fresh venv's Python
    rc = Path(
        run(
            fresh_venv / "bin" / "intune-provider", "install", "--dir", tmp_path / "tf", cwd=tmp_path, env=env
        )
        .strip()
        .splitlines()[-1]
    )
    app = tmp_path / "cdktf"
    app.mkdir()
    shutil.copy(ROOT / "examples" / "cdktf" / "main.py", app / "main.py")
    run(python, "main.py", cwd=app, env=env)
    stack = Workdir(app / "cdktf.out" / "stacks" / "intune-example", rc, env)
    stack.init()
    stack.apply()
    outputs = stack.outputs()
    assert outputs["read_back_issuer"] == "purebred"
    assert graph_emulator.get_object(outputs["purebred_id"]) is not None

    # the venv's own emulator starts, answers and stops
    emulator = [str(fresh_venv / "bin" / "graph-emulator"), "--data-dir", str(tmp_path / "emu")]
    started = run(emulator[0], "start", *emulator[1:], cwd=tmp_path, env=env)
    try:
        assert "export AZURE_TENANT_ID=" in started
        assert "running" in run(emulator[0], "status", *emulator[1:], cwd=tmp_path, env=env)
    finally:
        run(emulator[0], "stop", *emulator[1:], cwd=tmp_path, env=env)
