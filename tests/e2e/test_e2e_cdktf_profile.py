"""From setting to device with the real cdktf CLI against the emulator: the example
(examples/cdktf/setting-to-device) deployed as it is (a setting, a profile taking the setting's `id`
token, assignments with a filter and an exclusion, `for_each` over an iterator), a second deploy that
changes nothing, then destroy; and `count` with the stacks app's settings file of settings and
profiles referencing each other by key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
EXAMPLE = ROOT / "examples" / "cdktf" / "setting-to-device"
STACK = "intune-setting-to-device"
PROFILES = "/deviceManagement/deviceConfigurations"
SETTINGS = "/deviceManagement/derivedCredentials"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cdktf_cli,
    pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)"),
]


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator") as emulator:
        yield emulator


def env_for(emu: GraphEmulator, cli_config: Path, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")},
        **emu.env(),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
        "CI": "1",
        **extra,
    }


def cdktf(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(CDKTF), *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, (
        f"cdktf {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    )
    return proc


def profiles(emu: GraphEmulator) -> dict[str, dict[str, Any]]:
    return {o["displayName"]: o for o in emu.objects(collection=PROFILES)}


def bound_id(profile: dict[str, Any]) -> str:
    """The setting a stored profile is bound to, however the emulator keeps the binding."""
    bound = profile.get("derivedCredentialSettings") or profile.get("derivedCredentialSettings@odata.bind")
    if isinstance(bound, dict):
        bound = bound.get("id")
    return str(bound).rstrip("/").rsplit("/", 1)[-1]


def targets(profile: dict[str, Any]) -> set[tuple[str, str | None, str | None]]:
    return {
        (
            a["target"]["@odata.type"].rsplit(".", 1)[-1],
            a["target"].get("groupId"),
            a["target"].get("deviceAndAppManagementAssignmentFilterId"),
        )
        for a in profile.get("assignments") or []
    }


def test_the_example_from_setting_to_device(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(EXAMPLE / "main.py", project / "main.py")
    cfg = json.loads((EXAMPLE / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} main.py"
    (project / "cdktf.json").write_text(json.dumps(cfg))
    env = env_for(emu, cli_config)
    deploy = ("deploy", STACK, "--auto-approve", "--skip-provider-lock")

    cdktf(project, env, *deploy, "--outputs-file", str(project / "out.json"))
    outputs = json.loads((project / "out.json").read_text())[STACK]
    (setting,) = emu.objects(collection=SETTINGS)
    made = profiles(emu)
    assert set(made) == {
        "iOS derived credential",
        "iOS derived credential (field)",
        "iOS derived credential (office)",
    }
    ios = made["iOS derived credential"]
    assert ios["@odata.type"] == "#microsoft.graph.iosDerivedCredentialAuthenticationConfiguration"
    assert all(bound_id(p) == setting["id"] for p in made.values()), "every profile uses the setting"
    assert targets(ios) == {
        ("groupAssignmentTarget", "11111111-1111-4111-8111-111111111111", None),
        (
            "groupAssignmentTarget",
            "22222222-2222-4222-8222-222222222222",
            "44444444-4444-4444-8444-444444444444",
        ),
        ("exclusionGroupAssignmentTarget", "33333333-3333-4333-8333-333333333333", None),
    }
    assert targets(made["iOS derived credential (field)"]) == {
        ("groupAssignmentTarget", "55555555-5555-4555-8555-555555555555", None)
    }
    assert outputs["setting_id"] == setting["id"] == outputs["read_back_setting_id"]
    assert outputs["profile_id"] == ios["id"] and outputs["profile_version"] == ios["version"]

    # plan clean: a second deploy changes nothing and writes nothing
    emu.requests.clear()
    again = cdktf(project, env, *deploy)
    assert "No changes" in again.stdout, again.stdout
    assert {r.method for r in emu.requests} <= {"GET"}

    # an assignment removed in the portal is drift, and the next deploy puts it back
    emu.patch_object(ios["id"], {"assignments": ios["assignments"][:1]})
    assert len(targets(profiles(emu)["iOS derived credential"])) == 1
    repaired = cdktf(project, env, *deploy)
    assert "No changes" not in repaired.stdout
    assert targets(profiles(emu)["iOS derived credential"]) == targets(ios)

    # destroy: profiles first (they reference the setting), then the setting
    cdktf(project, env, "destroy", STACK, "--auto-approve", "--skip-provider-lock")
    assert emu.objects(collection=PROFILES) == [] and emu.objects(collection=SETTINGS) == []
    deletes = [r.path for r in emu.requests if r.method == "DELETE"]
    assert deletes and SETTINGS in deletes[-1], deletes


COUNT_APP = """\
import cdktf
from constructs_lib import DerivedCredentialSettings, IntuneProvider, IosDerivedCredentialProfile

app = cdktf.App()
stack = cdktf.TerraformStack(app, "counted")
IntuneProvider(stack, "intune")
setting = DerivedCredentialSettings(stack, "xtec", display_name="X-Tec", issuer="xTec")
copies = cdktf.TerraformCount.of(2)
IosDerivedCredentialProfile(
    stack,
    "copies",
    count=copies,
    display_name=cdktf.Fn.format("iOS %d", [copies.index]),
    derived_credential_id=setting.id,
    assignment=[{"target": "all_devices"}, {"target": "all_licensed_users"}],
)
app.synth()
"""


def test_count_and_the_stacks_app_with_references_by_key(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    # `count` with a token from the setting, in a user's own app
    project = tmp_path / "count"
    project.mkdir()
    (project / "main.py").write_text(COUNT_APP)
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} main.py"
    (project / "cdktf.json").write_text(json.dumps(cfg))
    env = env_for(emu, cli_config)
    deploy = ("deploy", "counted", "--auto-approve", "--skip-provider-lock")
    cdktf(project, env, *deploy)
    (setting,) = emu.objects(collection=SETTINGS)
    made = profiles(emu)
    assert set(made) == {"iOS 0", "iOS 1"}
    assert {bound_id(p) for p in made.values()} == {setting["id"]}
    assert targets(made["iOS 0"]) == {
        ("allDevicesAssignmentTarget", None, None),
        ("allLicensedUsersAssignmentTarget", None, None),
    }
    assert "No changes" in cdktf(project, env, *deploy).stdout
    cdktf(project, env, "destroy", "counted", "--auto-approve", "--skip-provider-lock")
    assert emu.objects(collection=PROFILES) == [] and emu.objects(collection=SETTINGS) == []

    # the stacks app: a settings file keyed by resource type, the profile naming the setting's key
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    config = {
        "stacks": [
            {
                "name": "estate",
                "resources": {
                    "intune_ios_derived_credential_profile": [
                        {
                            "key": "ios",
                            "display_name": "iOS from the file",
                            "derived_credential_id": {"ref": "purebred"},
                            "assignment": [
                                {"target": "group", "group_id": "77777777-7777-4777-8777-777777777777"}
                            ],
                        }
                    ],
                    "intune_derived_credential": [
                        {"key": "purebred", "display_name": "Purebred", "issuer": "purebred"}
                    ],
                },
            }
        ]
    }
    (stacks / "settings.json").write_text(json.dumps(config))
    cfg["app"] = f"{sys.executable} -m stacks"
    (stacks / "cdktf.json").write_text(json.dumps(cfg))
    env = env_for(emu, cli_config, INTUNE_STACKS_CONFIG=str(stacks / "settings.json"))
    cdktf(
        stacks,
        env,
        "deploy",
        "estate",
        "--auto-approve",
        "--skip-provider-lock",
        "--outputs-file",
        "out.json",
    )
    outputs = json.loads((stacks / "out.json").read_text())["estate"]
    (setting,) = emu.objects(collection=SETTINGS)
    ios = profiles(emu)["iOS from the file"]
    assert bound_id(ios) == setting["id"] == outputs["purebred_id"] and outputs["ios_id"] == ios["id"]
    assert (
        "No changes"
        in cdktf(stacks, env, "deploy", "estate", "--auto-approve", "--skip-provider-lock").stdout
    )
    cdktf(stacks, env, "destroy", "estate", "--auto-approve", "--skip-provider-lock")
    assert emu.objects(collection=PROFILES) == [] and emu.objects(collection=SETTINGS) == []
