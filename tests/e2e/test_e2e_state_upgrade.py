"""A state file written by 0.1.0 (`tests/fixtures/state_v010/`, how it was made is told there) still
works: with the emulator holding the same objects, Terraform 1.11 and this provider refresh it and
plan no change, and the refreshed state keeps every attribute as 0.1.0 wrote it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graph_emulator import start_emulator
from intune_model import RESOURCE_TYPE
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.plugin.resources import resource_schema
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).parents[1] / "fixtures" / "state_v010"


def instances(state: dict[str, object]) -> dict[str, tuple[int, dict[str, object]]]:
    resources = state["resources"]
    assert isinstance(resources, list)
    return {
        r["name"]: (r["instances"][0]["schema_version"], r["instances"][0]["attributes"])
        for r in resources
        if r["type"] == RESOURCE_TYPE
    }


def test_a_state_written_by_0_1_0_plans_clean(tmp_path: Path, cli_config: Path) -> None:
    written = json.loads((FIXTURE / "terraform.tfstate").read_text())
    old = instances(written)
    assert set(old) == {"full", "minimal", "defaults"}
    assert {version for version, _ in old.values()} == {0}
    assert resource_schema(SPEC).version == 0  # unchanged this round: nothing to upgrade

    with start_emulator(tmp_path / "emulator") as emu:
        for obj in json.loads((FIXTURE / "graph_objects.json").read_text()):
            emu.store.insert(emu.tenant_id.lower(), obj, SPEC.collection_path.strip("/"))
        work = Workdir(tmp_path / "work", cli_config, emu.env())
        shutil.copy(FIXTURE / "main.tf", work.path / "main.tf")
        shutil.copy(FIXTURE / "terraform.tfstate", work.path / "terraform.tfstate")
        work.init()
        code, plan = work.plan_exit_code()
        assert code == 0, plan
        work.run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
        # refreshed, each records the provider's tenant (`tenant_id`, added since 0.1.0); nothing else
        recorded = {name: (v, {**attrs, "tenant_id": emu.tenant_id}) for name, (v, attrs) in old.items()}
        assert instances(work.state()) == recorded
        assert [r.method for r in emu.requests if r.method != "GET"] == []
