"""`terraform test` runs the plain-HCL module in examples/terraform against the emulator: it applies,
asserts on the id Graph assigned, and destroys what it created."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator
from tests.terraform_support import Workdir, install_provider

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terraform"


def test_terraform_test_of_the_example_module(tmp_path: Path, graph_emulator: GraphEmulator) -> None:
    module = tmp_path / "module"
    shutil.copytree(EXAMPLE, module, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    tf = Workdir(module, install_provider(tmp_path / "provider"), graph_emulator.env())
    tf.init()
    proc = tf.run("test", "-no-color")
    assert "3 passed, 0 failed" in proc.stdout, proc.stdout
    assert any(r.method == "POST" for r in graph_emulator.requests), "the module really applied"
    assert graph_emulator.objects() == [], "terraform test destroyed what it created"
