"""Real Terraform against an emulator answering in the shapes of issue 12: the documented wrapped GET
body and a derived `@odata.type` plan clean (read and import); a body without a required property
fails the refresh with the request-id and leaves state as it was; an enum member the model does not
know shows as drift on refresh, and import keeps it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

PUREBRED = {
    "display_name": "Purebred derived credentials",
    "issuer": "purebred",
    "help_url": "https://example.com/help",
    "notification_types": ["companyPortal"],
    "renewal_threshold_percentage": 20,
}
UNKNOWN = "unknownFutureValue"


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator", faults=FaultPlan()) as emulator:
        yield emulator


@pytest.fixture
def tf(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> Workdir:
    work = Workdir(tmp_path / "work", cli_config, emu.env())
    work.write(config({"purebred": PUREBRED}))
    work.init()
    work.apply()
    return work


def words(text: str) -> str:
    """Terraform wraps long diagnostics: compare with single spaces."""
    return " ".join(text.split())


def shapes(emu: GraphEmulator, **faults: Any) -> None:
    """Switch the response-shape faults: the named ones on, every other one off."""
    assert isinstance(emu.faults, FaultPlan)
    off = {"wrap_get_body": False, "drop_field": "", "unknown_enum_member": "", "subtype_answers": False}
    emu.faults.update(**{**off, **faults})


def test_read_with_each_shape(tf: Workdir, emu: GraphEmulator) -> None:
    before = tf.resource_attrs("purebred")

    shapes(emu, wrap_get_body=True, subtype_answers=True)  # Microsoft's GET example, a subtype
    assert tf.plan_exit_code()[0] == 0

    shapes(emu, drop_field="displayName")
    proc = tf.run("plan", "-input=false", "-no-color", check=False)
    assert proc.returncode == 1
    said = words(proc.stderr)
    assert "with a body the provider cannot read" in said
    assert "displayName: missing (a required property)" in said
    assert "request-id: " in said and "request-id: -" not in said
    assert "display_name" in said  # the diagnostic points at the attribute
    proc = tf.run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color", check=False)
    assert proc.returncode == 1
    assert tf.resource_attrs("purebred") == before  # no null reached state

    shapes(emu, unknown_enum_member="issuer")
    code, plan = tf.plan_exit_code()
    assert code == 2
    assert f'~ issuer = "{UNKNOWN}" -> "purebred"' in words(plan)

    shapes(emu, unknown_enum_member="notificationType")
    code, plan = tf.plan_exit_code()
    assert code == 2 and f'- "{UNKNOWN}"' in plan and "notification_types" in words(plan)

    shapes(emu)
    assert tf.plan_exit_code()[0] == 0


def test_import_with_each_shape(tf: Workdir, emu: GraphEmulator) -> None:
    address = f"{RESOURCE_TYPE}.purebred"
    oid = tf.resource_attrs("purebred")["id"]

    def reimport() -> None:
        tf.run("state", "rm", address)
        tf.run("import", "-input=false", "-no-color", address, oid)

    shapes(emu, wrap_get_body=True, subtype_answers=True)
    reimport()
    assert tf.resource_attrs("purebred") == {**PUREBRED, "id": oid, "tenant_id": emu.tenant_id}

    shapes(emu, unknown_enum_member="issuer")
    reimport()
    assert tf.resource_attrs("purebred")["issuer"] == UNKNOWN  # kept as read, not dropped
    code, plan = tf.plan_exit_code()
    assert code == 2 and f'~ issuer = "{UNKNOWN}" -> "purebred"' in words(plan)

    tf.run("state", "rm", address)
    shapes(emu, drop_field="issuer")
    proc = tf.run("import", "-input=false", "-no-color", address, oid, check=False)
    assert proc.returncode == 1
    said = words(proc.stderr)
    assert "issuer: missing (a required property)" in said and "request-id: " in said
    assert "purebred" not in tf.run("state", "list", check=False).stdout
