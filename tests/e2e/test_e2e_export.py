"""`intune-provider list|show|export` against the emulator, and the done-when of adoption: an export
of a tenant with 50 settings, deployed as a stack, imports every object (nothing created, nothing
changed) and then plans clean against the same tenant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cdktf
import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.resources.derived_credential import SPEC, Issuer
from stacks import build_app, load_config
from terraform_provider_intune.config import resolve
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).with_name("intune-provider"))
ISSUERS = [m.value for m in Issuer]


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator"), page_size=20) as emulator:
        yield emulator


def portal_settings(n: int) -> list[dict[str, Any]]:
    """What admins click together: every issuer, some fields set, some names shared."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        s: dict[str, Any] = {"display_name": f"Derived credentials {i // 2}", "issuer": ISSUERS[i % 4]}
        if i % 3 == 0:
            s["help_url"] = f"https://example.com/help/{i}"
        if i % 5 == 0:
            s["notification_types"] = ["email", "companyPortal"]
        elif i % 5 == 1:
            s["notification_types"] = ["none"]
        if i % 7 == 0:
            s["renewal_threshold_percentage"] = i % 101
        out.append(s)
    return out


@pytest.fixture(scope="module")
def tenant(emu: GraphEmulator) -> list[str]:
    env = {**os.environ, **emu.env()}
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from intune_graph import open_client

        client = open_client(resolve({}))
        ids = [client.create(SPEC.collection_path, SPEC.to_graph(s))["id"] for s in portal_settings(50)]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return ids


def run_cli(emu: GraphEmulator, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env={**os.environ, **emu.env()}, capture_output=True, text=True, timeout=120
    )


def test_list_and_show(emu: GraphEmulator, tenant: list[str]) -> None:
    listed = run_cli(emu, "list")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 51 and "50 derived credential settings" in listed.stderr
    purebred = run_cli(emu, "list", "--issuer", "purebred", "--json")
    rows = [json.loads(line) for line in purebred.stdout.splitlines()]
    assert len(rows) == 12 and {r["issuer"] for r in rows} == {"purebred"}
    shown = run_cli(emu, "show", tenant[0])
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == tenant[0]
    twin = run_cli(emu, "show", "--display-name", "Derived credentials 0")
    assert twin.returncode == 1 and "2 derived credential settings are named" in twin.stderr
    missing = run_cli(emu, "show", "nope")
    assert missing.returncode == 1 and "No derived credential settings with id 'nope'" in missing.stderr
    unconfigured = subprocess.run(
        [CLI, "list"], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=60
    )
    # nothing configured: the Azure CLI / managed identity fallback is tried, and the error says so
    assert unconfigured.returncode == 1
    assert "tried, in order: Azure CLI, managed identity" in unconfigured.stderr
    assert "AZURE_TENANT_ID" in unconfigured.stderr
    # azure-identity's detail appears once, inside our error, not again from its own logger
    assert unconfigured.stderr.count("ChainedTokenCredential failed") == 1


def test_export_of_50_settings_deploys_by_import_and_plans_clean(
    tmp_path: Path, emu: GraphEmulator, tenant: list[str], cli_config: Path
) -> None:
    out = tmp_path / "settings.json"
    proc = run_cli(emu, "export", "-o", str(out), "--stack-name", "adopted")
    assert proc.returncode == 0, proc.stderr
    assert "exported 50 derived credential settings" in proc.stderr
    assert "reading derived credential settings" not in proc.stdout, "progress goes to stderr"

    config = load_config(out)  # the stacks' own loader accepts it
    (stack,) = config.stacks
    assert stack.name == "adopted" and len(stack.settings) == 50
    assert sorted(e.import_id or "" for e in stack.settings) == sorted(tenant)
    assert len({e.key for e in stack.settings}) == 50

    app = cdktf.App(outdir=str(tmp_path / "cdktf.out"))
    build_app(app, config, state_dir=tmp_path)
    app.synth()
    tf = Workdir(tmp_path / "cdktf.out" / "stacks" / "adopted", cli_config, emu.env())
    tf.init()
    _, plan = tf.plan_exit_code()
    assert "Plan: 50 to import, 0 to add, 0 to change, 0 to destroy." in plan, plan[-2000:]
    emu.requests.clear()
    tf.apply()
    assert {r.method for r in emu.requests} == {"GET"}, "adoption creates and changes nothing"
    assert sorted(o["id"] for o in emu.objects()) == sorted(tenant)
    assert tf.plan_exit_code()[0] == 0, "after adoption the stack plans clean against the tenant"


def test_export_of_a_setting_and_its_profile_adopts_both_with_the_reference(
    tmp_path: Path, cli_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every registered resource in one export: the profile (with its assignments) refers to the
    setting by key, the stack synthesizes an import block for each and passes the setting's id to
    the profile, and the deploy imports both, changes nothing, then plans clean."""
    from intune_graph import open_client
    from intune_model.registry import spec_named
    from terraform_provider_intune.handler import Handler

    profile_spec = spec_named("ios_derived_credential_profile")
    assignments = profile_spec.by_name["assignment"].kind
    group = "11111111-1111-4111-8111-111111111111"
    with start_emulator(tmp_path / "emulator") as emu:
        for name, value in emu.env().items():
            monkeypatch.setenv(name, value)
        client = open_client(resolve({}))
        setting_id, _ = Handler(client, spec=SPEC).create({"display_name": "Purebred", "issuer": "purebred"})
        profile_id, _ = Handler(client, spec=profile_spec).create(
            {
                "display_name": "iOS derived credential",
                "derived_credential_id": setting_id,
                "assignment": assignments.plain(
                    [{"target": "group", "group_id": group}, {"target": "all_devices"}]
                ),
            }
        )

        out = tmp_path / "adopted.json"
        proc = run_cli(emu, "export", "-o", str(out), "--stack-name", "adopted", "--quiet")
        assert proc.returncode == 0, proc.stderr
        assert "exported 1 derived credential settings, 1 iOS derived credential profile" in proc.stderr
        written = json.loads(out.read_text())["stacks"][0]["resources"]
        (profile,) = written["intune_ios_derived_credential_profile"]
        assert profile["derived_credential_id"] == {"ref": "purebred"}
        assert profile["import_id"] == profile_id and len(profile["assignment"]) == 2

        config = load_config(out)  # the stacks' reader resolves the reference
        app = cdktf.App(outdir=str(tmp_path / "cdktf.out"))
        build_app(app, config, state_dir=tmp_path)
        app.synth()
        stack_dir = tmp_path / "cdktf.out" / "stacks" / "adopted"
        synthesized = json.loads((stack_dir / "cdk.tf.json").read_text())
        imports = {i["id"]: i["to"] for i in synthesized["import"]}
        assert set(imports) == {setting_id, profile_id}
        setting_address = imports[setting_id]
        assert setting_address.startswith("intune_derived_credential.")
        assert imports[profile_id].startswith("intune_ios_derived_credential_profile.")
        (profile_resource,) = synthesized["resource"]["intune_ios_derived_credential_profile"].values()
        assert profile_resource["derived_credential_id"] == "${" + setting_address + ".id}"

        tf = Workdir(stack_dir, cli_config, emu.env())
        tf.init()
        _, plan = tf.plan_exit_code()
        assert "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy." in plan, plan[-3000:]
        emu.requests.clear()
        tf.apply()
        assert {r.method for r in emu.requests} == {"GET"}, "adoption creates and changes nothing"
        assert tf.plan_exit_code()[0] == 0, "after adoption the stack plans clean against the tenant"


def test_export_of_everything_leaves_out_what_the_app_may_not_read(
    emu: GraphEmulator, tenant: list[str]
) -> None:
    """An app holding only the settings' permission still exports them; the profiles are left out with
    a warning naming the permission they need. Asked for by name, the same refusal is an error."""
    import uuid

    from intune_model.registry import spec_named

    reader = str(uuid.uuid4())
    emu.add_client(emu.tenant_id, reader, "reader-secret", roles=[SPEC.permission])
    as_reader = {"AZURE_CLIENT_ID": reader, "AZURE_CLIENT_SECRET": "reader-secret"}
    env = {**os.environ, **emu.env(), **as_reader}
    proc = subprocess.run([CLI, "export", "--quiet"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    resources = json.loads(proc.stdout)["stacks"][0]["resources"]
    assert len(resources["intune_derived_credential"]) == len(tenant)
    assert "intune_ios_derived_credential_profile" not in resources
    warning = [line for line in proc.stderr.splitlines() if line.startswith("warning: left out")]
    assert len(warning) == 1 and "iOS derived credential profile" in warning[0]
    assert (
        spec_named("ios_derived_credential_profile").permission.replace(".ReadWrite.", ".Read.") in warning[0]
    )
    named = subprocess.run(
        [CLI, "export", "--quiet", "--resource", "ios_derived_credential_profile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert named.returncode == 1 and named.stderr.startswith("error: ") and "Traceback" not in named.stderr
