"""Update semantics (issue 12) with the real `terraform`, the real plugin and the emulator: a tenant
whose Graph refuses PATCH (405, Intune's "No method match route template" body) or answers PATCH
with success but never applies it. Each case first shows the error the user gets (naming the
request-id and `update_strategy = "replace"`, with state keeping the old values), then the same
change succeeding as a replacement, with and without `create_before_destroy`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

SETTING = {
    "display_name": "Purebred derived credentials",
    "issuer": "purebred",
    "notification_types": ["email"],
    "renewal_threshold_percentage": 20,
}
REQUEST_ID = re.compile(r"request-id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A short deadline bounds the read-after-write window of the ignored PATCH (default 30 s).
PATCH = {"timeout_seconds": 4}
REPLACE = {"timeout_seconds": 4, "update_strategy": "replace"}


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator", faults=FaultPlan()) as emulator:
        yield emulator


def faults(emu: GraphEmulator) -> FaultPlan:
    assert isinstance(emu.faults, FaultPlan)
    return emu.faults


def resource(lifecycle: bool = False, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**SETTING, **changes}
    if lifecycle:
        body["lifecycle"] = [{"create_before_destroy": True}]
    return body


def created(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> tuple[Workdir, str]:
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    tf.write(config({"main": resource()}, provider=PATCH))
    tf.init()
    tf.apply()
    return tf, tf.resource_attrs("main")["id"]


def failed_apply(tf: Workdir) -> str:
    proc = tf.run("apply", "-auto-approve", "-input=false", "-no-color", check=False)
    assert proc.returncode != 0, proc.stdout
    return " ".join((proc.stdout + proc.stderr).split())  # Terraform wraps long lines


def test_refused_patch_fails_clearly_then_replace_applies_the_change(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    tf, old_id = created(tmp_path, cli_config, emu)
    faults(emu).update(refuse_patch_status=405)

    tf.write(config({"main": resource(renewal_threshold_percentage=30)}, provider=PATCH))
    out = failed_apply(tf)
    assert f"Graph refused to update derived credential settings {old_id} in place" in out
    assert "405 No method match route template" in out
    assert REQUEST_ID.search(out) and 'update_strategy = "replace"' in out
    assert faults(emu).refused_patches == 1
    assert tf.resource_attrs("main")["renewal_threshold_percentage"] == 20, "state keeps the old value"
    assert emu.get_object(old_id)["renewalThresholdPercentage"] == 20  # type: ignore[index]

    # replace, creating the new object before deleting the old one
    tf.write(config({"main": resource(True, renewal_threshold_percentage=30)}, provider=REPLACE))
    code, plan = tf.plan_exit_code()
    assert code == 2 and "must be replaced" in plan and "create replacement and then destroy" in plan
    posts_before = sum(r.method == "POST" for r in emu.requests)
    tf.apply()
    new_id = tf.resource_attrs("main")["id"]
    assert new_id != old_id
    assert [(o["id"], o["renewalThresholdPercentage"]) for o in emu.objects()] == [(new_id, 30)]
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests][posts_before:]
    assert methods.index(("POST", "derivedCredentials")) < methods.index(("DELETE", old_id)), methods
    assert faults(emu).refused_patches == 1, "replace never sends a PATCH"
    assert tf.plan_exit_code()[0] == 0


def test_ignored_patch_fails_clearly_then_replace_applies_the_change(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    tf, old_id = created(tmp_path, cli_config, emu)
    faults(emu).update(ignore_patch=True)

    tf.write(config({"main": resource(notification_types=["companyPortal"])}, provider=PATCH))
    out = failed_apply(tf)
    assert f"Graph accepted the update of derived credential settings {old_id} but did not apply it" in out
    assert "notification_types still hold their old values" in out
    assert REQUEST_ID.search(out) and 'update_strategy = "replace"' in out
    assert faults(emu).ignored_patches == 1
    assert tf.resource_attrs("main")["notification_types"] == ["email"], "state keeps the old value"

    # a plain replacement (delete, then create)
    tf.write(config({"main": resource(notification_types=["companyPortal"])}, provider=REPLACE))
    code, plan = tf.plan_exit_code()
    assert code == 2 and "must be replaced" in plan and "destroy and then create replacement" in plan
    tf.apply()
    new_id = tf.resource_attrs("main")["id"]
    assert new_id != old_id
    assert [(o["id"], o["notificationType"]) for o in emu.objects()] == [(new_id, "companyPortal")]
    assert tf.plan_exit_code()[0] == 0

    # a value that is not a strategy is refused by `terraform validate`, naming the allowed ones
    tf.write(
        config({"main": resource(notification_types=["companyPortal"])}, provider={"update_strategy": "put"})
    )
    proc = tf.run("validate", "-no-color", check=False)
    message = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 1
    assert "'put' is not an update strategy; allowed values: patch, replace" in message


def test_replace_with_for_each_replaces_only_what_changed(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    """What users write: `for_each` over a variable, the name a template of `each.key` (it reaches
    `validate` as a refined unknown, msgpack extension 12); one entry changes, only its object is
    replaced."""
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    settings = {"a": {"threshold": 10}, "b": {"threshold": 20}}

    def write() -> None:
        cfg = config({}, provider=REPLACE)
        cfg.pop("output")
        cfg["variable"] = {"settings": {"default": settings}}
        cfg["resource"] = {
            RESOURCE_TYPE: {
                "each": {
                    "for_each": "${var.settings}",
                    "display_name": "Setting ${each.key}",
                    "issuer": "xTec",
                    "renewal_threshold_percentage": "${each.value.threshold}",
                    "lifecycle": [{"create_before_destroy": True}],
                }
            }
        }
        tf.write(cfg)

    write()
    tf.init()
    tf.apply()
    before = {o["displayName"]: o["id"] for o in emu.objects()}
    settings["b"]["threshold"] = 25
    write()
    tf.apply()
    after = {o["displayName"]: o["id"] for o in emu.objects()}
    assert after["Setting a"] == before["Setting a"] and after["Setting b"] != before["Setting b"]
    assert {o["displayName"]: o["renewalThresholdPercentage"] for o in emu.objects()} == {
        "Setting a": 10,
        "Setting b": 25,
    }
    assert tf.plan_exit_code()[0] == 0
