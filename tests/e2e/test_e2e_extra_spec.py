"""A second resource, described by a spec that lives in `tests/` (`tests.example_spec`), driven
through the real `terraform` binary and the real provider against the emulator: create, read (and
drift), update, import, data sources, destroy. No product file knows it exists: it is registered
with `INTUNE_EXTRA_SPECS`, which the provider process and the emulator read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION
from intune_model.registry import ENV_EXTRA_SPECS, spec_named
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "/deviceManagement/testNotes"
NOTE = {"title": "Hello", "colour": "red", "link": "https://example.com/a", "tags": ["b", "a"], "priority": 2}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    monkeypatch.setenv(ENV_EXTRA_SPECS, "tests.example_spec")  # the emulator serves its collection
    with start_emulator(tmp_path / "emulator") as emulator:
        yield emulator


@pytest.fixture
def tf(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> Workdir:
    env = {**emu.env(), ENV_EXTRA_SPECS: "tests.example_spec", "PYTHONPATH": str(ROOT)}
    work = Workdir(tmp_path / "work", cli_config, env)
    return work


def cfg(note: dict[str, Any] | None, *, data: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "terraform": {
            "required_providers": {"intune": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}}
        },
        "provider": {"intune": [{}]},
    }
    if note is not None:
        out["resource"] = {"intune_test_note": {"n": note}}
        out["output"] = {"id": {"value": "${intune_test_note.n.id}"}}
    if data:
        out["data"] = {
            "intune_test_note": {"one": {"title": "Hello", "depends_on": ["intune_test_note.n"]}},
            "intune_test_notes": {"red": {"colour": "red", "depends_on": ["intune_test_note.n"]}},
        }
        out["output"]["one_priority"] = {"value": "${data.intune_test_note.one.priority}"}
        out["output"]["red_ids"] = {"value": "${data.intune_test_notes.red.ids}"}
    return out


def notes(emu: GraphEmulator) -> list[dict[str, Any]]:
    return emu.objects(collection=COLLECTION)


def test_a_spec_from_outside_the_product_gets_a_whole_resource(tf: Workdir, emu: GraphEmulator) -> None:
    spec = spec_named("test_note")  # registered for this process too, by the fixture
    assert spec.collection_path == COLLECTION

    # validate: the kinds' rules, before anything is sent
    tf.write(cfg({**NOTE, "colour": "pink", "priority": 9}))
    tf.init()
    bad = tf.run("validate", "-no-color", check=False)
    assert bad.returncode != 0
    assert "'pink' is not a colour; allowed values: red, green, blue" in bad.stderr
    assert "whole number from 1 to 5" in bad.stderr

    # create (POST with Graph names and @odata.type), then a clean plan; data sources read it back
    tf.write(cfg(NOTE, data=True))
    tf.apply()
    [stored] = notes(emu)
    assert emu.objects() == [stored]  # nothing went to the derived credential collection
    assert stored["webLink"] == "https://example.com/a" and sorted(stored["tags"]) == ["a", "b"]
    post = next(r for r in emu.requests if r.method == "POST")
    assert post.path.endswith(COLLECTION) and post.body["@odata.type"] == "#microsoft.graph.testNote"
    out = tf.outputs()
    assert out["id"] == stored["id"] and out["one_priority"] == 2 and out["red_ids"] == [stored["id"]]
    assert tf.plan_exit_code()[0] == 0

    # drift on Graph is seen and repaired
    emu.patch_object(stored["id"], {"priority": 5})
    assert tf.plan_exit_code()[0] == 2
    tf.apply()
    assert notes(emu)[0]["priority"] == 2

    # update in place: PATCH, same id
    tf.write(cfg({**NOTE, "priority": 4, "tags": ["c"]}))
    tf.apply()
    [updated] = notes(emu)
    assert updated["id"] == stored["id"] and updated["priority"] == 4 and updated["tags"] == ["c"]
    assert any(r.method == "PATCH" and COLLECTION in r.path for r in emu.requests)
    assert tf.plan_exit_code()[0] == 0

    # import into a fresh state, then the plan is clean
    (tf.path / "terraform.tfstate").unlink()
    tf.run("import", "-no-color", "-input=false", "intune_test_note.n", stored["id"])
    state = json.loads((tf.path / "terraform.tfstate").read_text())
    [resource] = [r for r in state["resources"] if r["type"] == "intune_test_note"]
    assert resource["instances"][0]["attributes"]["title"] == "Hello"
    assert tf.plan_exit_code()[0] == 0

    # destroy empties the collection
    tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
    assert notes(emu) == []
