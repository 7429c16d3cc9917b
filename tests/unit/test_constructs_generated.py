"""The construct modules generated from the specs: checked in fresh, typed for users' editors and
mypy, and a spec from outside the product (tests/example_spec.py) gets its constructs with no
hand-written code."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from constructs_lib import _generate
from constructs_lib._binding import META_ARGUMENTS
from constructs_lib.catalog import DATA_SOURCES, RESOURCES
from intune_model.registry import specs

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_modules_are_what_the_specs_generate() -> None:
    stale = _generate.write(_generate.registered(), check=True)
    assert stale == [], f"stale: {stale}; run `python -m constructs_lib._generate`"


def test_every_registered_spec_has_its_three_constructs() -> None:
    for spec in specs():
        names = _generate.Names.of(spec)
        assert RESOURCES[names.resource_type].__name__ == names.resource
        assert DATA_SOURCES[names.one_type].__name__ == names.one
        assert DATA_SOURCES[names.all_type].__name__ == names.all


def _load(path: Path, name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_a_spec_from_outside_the_product_gets_typed_constructs(tmp_path: Path) -> None:
    """`--spec tests.example_spec --out DIR`: the module its owner keeps beside the spec."""
    assert _generate.main(["--spec", "tests.example_spec", "--out", str(tmp_path)]) == 0
    path = tmp_path / "test_note.py"
    text = path.read_text()
    assert _generate.HEADER in (ast.get_docstring(ast.parse(text)) or "")
    module = _load(path, "generated_test_note")
    from tests.example_spec import SPEC

    note = module.TestNote  # type: ignore[attr-defined]
    params = inspect.signature(note.__init__).parameters
    keywords = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and n not in META_ARGUMENTS]
    assert keywords == [f.name for f in SPEC.settable] + ["tenant_id"]
    assert str(params["colour"].annotation) == "Colour | str", "an enum made for the spec's enum field"
    assert [m.value for m in module.Colour] == ["red", "green", "blue"]  # type: ignore[attr-defined]
    assert note.TF_RESOURCE_TYPE == "intune_test_note"
    assert module.DataIntuneTestNotes.TF_RESOURCE_TYPE == "intune_test_notes"  # type: ignore[attr-defined]
    assert "Example::" in (note.__doc__ or "")


MYPY_USER = """\
import cdktf
from constructs_lib import (
    AssignmentTarget,
    DerivedCredentialSettings,
    IntuneProvider,
    IosDerivedCredentialProfile,
    Issuer,
)

stack = cdktf.TerraformStack(cdktf.App(), "s")
IntuneProvider(stack, "intune")
setting = DerivedCredentialSettings(stack, "p", display_name="P", issuer=Issuer.PUREBRED)
profile = IosDerivedCredentialProfile(
    stack,
    "ios",
    display_name="iOS",
    derived_credential_id=setting.id,
    assignment=[{"target": AssignmentTarget.GROUP, "group_id": "5f1c1e0e-8d4b-4c55-9a36-1d7b0c3b9a01"}],
)
version: float = profile.version
profile.put_assignment([{"target": "all_devices"}])
"""

MYPY_MISTAKES = """\
IosDerivedCredentialProfile(stack, "typo", display_name="x", derived_credential_ids=setting.id)
IosDerivedCredentialProfile(stack, "bad", display_name="x", derived_credential_id=setting.id,
                            assignment=[{"target": "group", "gruop_id": "x"}])
profile.version = 3
"""


def test_users_get_type_errors_from_mypy_strict(tmp_path: Path) -> None:
    """What an editor shows: the generated signatures and accessors, checked by mypy --strict."""
    good = tmp_path / "good.py"
    good.write_text(MYPY_USER)
    bad = tmp_path / "bad.py"
    bad.write_text(MYPY_USER + textwrap.dedent(MYPY_MISTAKES))
    run = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent"]
    out = subprocess.run([*run, str(good), str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert "good.py" not in out.stdout, out.stdout + out.stderr
    assert 'Unexpected keyword argument "derived_credential_ids"' in out.stdout, out.stdout
    assert '"gruop_id"' in out.stdout, out.stdout
    assert "version" in out.stdout and "read-only" in out.stdout, out.stdout
    assert "Found 3 errors in 1 file" in out.stdout, out.stdout


@pytest.mark.parametrize("name", sorted(_generate.HAND_WRITTEN))
def test_a_spec_cannot_take_a_hand_written_module_name(name: str) -> None:
    assert (_generate.PACKAGE / f"{name}.py").exists()
