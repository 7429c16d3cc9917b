"""A spec from outside the product (`tests.example_spec`) gets CDKTF constructs with no hand-written
code: its module from `python -m constructs_lib._generate --spec ... --out`, a binding built for it
with `python -m constructs_lib._bindings --out` (both with `INTUNE_EXTRA_SPECS` set), then a user's
app synthesizes a `TestNote` and a list data source, and real Terraform applies it against the
emulator, plans clean and destroys it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.registry import ENV_EXTRA_SPECS
from tests.terraform_support import Workdir

pytestmark = [pytest.mark.e2e, pytest.mark.cdktf_cli]

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
COLLECTION = "/deviceManagement/testNotes"

APP = """\
import sys

import cdktf

from constructs_lib import IntuneProvider
from constructs_lib.entries import add_entries
from constructs_lib.settings_file import parse_settings
from test_note import Colour, DataIntuneTestNotes, TestNote

app = cdktf.App(outdir=sys.argv[1])
stack = cdktf.TerraformStack(app, "notes")
cdktf.LocalBackend(stack, path="terraform.tfstate")
IntuneProvider(stack, "intune")
note = TestNote(stack, "n", title="Hello", colour=Colour.RED, tags=["b", "a"], priority=2)
red = DataIntuneTestNotes(stack, "red", colour="red", depends_on=[note])
cdktf.TerraformOutput(stack, "id", value=note.id)
cdktf.TerraformOutput(stack, "red_ids", value=red.ids)
filed = {"key": "filed", "title": "Filed", "colour": "blue"}
entries = parse_settings({"resources": {"intune_test_note": [filed]}})
add_entries(stack, entries)  # a file's entries of the new type find its construct
try:
    TestNote(stack, "bad", title="x", colour="pink", priority=9)
except ValueError as exc:
    print(exc)
app.synth()
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    monkeypatch.setenv(ENV_EXTRA_SPECS, "tests.example_spec")  # the emulator serves its collection
    with start_emulator(tmp_path / "emulator") as emulator:
        yield emulator


def run(env: dict[str, str], *args: str, cwd: Path = ROOT) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_a_spec_from_outside_gets_constructs_that_deploy(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    if not CDKTF.exists():
        pytest.skip("run `make test` (installs the cdktf CLI with npm)")
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    env = {
        **os.environ,
        ENV_EXTRA_SPECS: "tests.example_spec",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(app_dir)]),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CHECKPOINT_DISABLE": "1",
        "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
    }
    run(env, "-m", "constructs_lib._bindings", "--out", str(app_dir / "note_binding"), "--engine", "cdktf")
    run(env, "-m", "constructs_lib._generate", "--spec", "tests.example_spec", "--out", str(app_dir))
    (app_dir / "main.py").write_text(textwrap.dedent(APP))
    printed = run(
        {**env, "INTUNE_CONSTRUCTS_BINDING": "note_binding"}, "main.py", str(tmp_path / "out"), cwd=app_dir
    )
    assert "colour: 'pink' is not a colour; allowed values: red, green, blue" in printed
    assert "priority: 9 is not allowed; must be a whole number from 1 to 5" in printed

    tf = Workdir(
        tmp_path / "out" / "stacks" / "notes",
        cli_config,
        {**emu.env(), ENV_EXTRA_SPECS: "tests.example_spec", "PYTHONPATH": str(ROOT)},
    )
    tf.init()
    tf.apply()
    filed, stored = sorted(emu.objects(collection=COLLECTION), key=lambda o: str(o["title"]))
    assert filed["title"] == "Filed" and filed["colour"] == "blue"
    assert stored["title"] == "Hello" and sorted(stored["tags"]) == ["a", "b"] and stored["priority"] == 2
    outputs = tf.outputs()
    assert outputs["id"] == stored["id"] and outputs["red_ids"] == [stored["id"]]
    assert tf.plan_exit_code()[0] == 0
    tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
    assert emu.objects(collection=COLLECTION) == []
