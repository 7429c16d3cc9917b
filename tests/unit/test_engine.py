"""`constructs_lib.engine`: CDKTF or CDK Terrain behind one import, and one clear error without either;
the provider and its CLI need neither."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

import pytest

from constructs_lib import engine

WITHOUT_ENGINES = "import sys\nfor name in ('cdktf', 'cdktn'):\n    sys.modules[name] = None\n"


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_without_an_engine_the_import_names_both_extras() -> None:
    proc = run(WITHOUT_ENGINES + "import constructs_lib\n")
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: constructs_lib needs a CDK engine")
    assert "pip install 'terraform-provider-intune[cdktf]'" in last
    assert "pip install 'terraform-provider-intune[cdktn]'" in last


def test_the_provider_and_cli_need_no_engine() -> None:
    code = (
        WITHOUT_ENGINES
        + "sys.modules['constructs'] = None\n"
        + "import terraform_provider_intune.main, terraform_provider_intune.cli\n"
        + "from terraform_provider_intune.cli import main\n"
        + "sys.argv = ['intune-provider', 'version']\n"
        + "main()\n"
    )
    proc = run(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "the CLI printed its version"


def test_an_engine_the_app_imported_first_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("cdktn")
    monkeypatch.delitem(sys.modules, "cdktf")
    monkeypatch.setitem(sys.modules, "cdktn", fake)
    assert engine.select() is fake


def test_otherwise_cdktf_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import cdktf

    monkeypatch.setitem(sys.modules, "cdktn", types.ModuleType("cdktn"))  # both loaded: no hint
    assert engine.select() is cdktf
    assert engine.ENGINES == ("cdktf", "cdktn")


def test_a_broken_engine_is_not_reported_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in engine.ENGINES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "jsii", None)  # cdktf is installed but cannot load its runtime
    with pytest.raises(ModuleNotFoundError) as info:
        engine.select()
    assert info.value.name == "jsii"


def node_major() -> int | None:
    node = shutil.which("node")
    if node is None:
        return None
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60).stdout
    return int(out.strip().lstrip("v").split(".")[0])


def quiet_run(code: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE_WARNING")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**env, **extra}
    )


def test_a_consumers_app_is_quiet_by_default_on_node_20() -> None:
    """jsii prints an eleven-line end-of-life banner when the engine loads on Node 20; importing
    `constructs_lib` first silences it unless the environment chose otherwise."""
    major = node_major()
    if major is None:
        pytest.skip("no node on PATH")
    quiet = quiet_run("import constructs_lib, cdktf; cdktf.App(); print('ok')")
    assert quiet.returncode == 0 and quiet.stdout.strip() == "ok", quiet.stderr
    assert "end-of-life" not in quiet.stderr and "!!!!" not in quiet.stderr, quiet.stderr
    if major == 20:  # the check can fail: the engine alone prints the banner on Node 20
        loud = quiet_run("import cdktf; print('ok')")
        assert "Node 20 is end-of-life" in loud.stderr
        chosen = quiet_run(
            "import constructs_lib; print('ok')", JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="18"
        )
        assert "Node 20 is end-of-life" in chosen.stderr, "the environment's own choice is kept"
