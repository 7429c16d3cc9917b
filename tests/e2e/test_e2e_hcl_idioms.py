"""Terraform as users write it, in HCL, with the real `terraform` against the emulator.

Each configuration under `tests/hcl/<case>/` is applied, then planned clean (`-detailed-exitcode`
0), applied again without a change, and destroyed, leaving the server as it was. The cases share one
emulator and are grouped into three working directories (idioms, lifecycle, cli) so the suite stays
quick. Any "Provider produced inconsistent ..." from Terraform fails the test wherever it appears.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from intune_model.address import ENV_CLIENT_SECRET
from intune_model.registry import spec_named
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

HCL = Path(__file__).parents[1] / "hcl"
SETTINGS = spec_named("derived_credential").collection_path
INCONSISTENT = re.compile(r"inconsistent (result|final plan)|produced an (invalid|unexpected)", re.IGNORECASE)
SECRET_NAME = "Sensitive-display-name-7Q2x"


class Hcl(Workdir):
    """A working directory holding one case's HCL; every command's output is checked for Terraform's
    complaints about the provider."""

    def __init__(self, path: Path, cli_config: Path, env: Mapping[str, str], case: str):
        super().__init__(path, cli_config, env)
        self.outputs_seen: list[str] = []
        shutil.copytree(HCL / case, path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("[0-9]"))
        shutil.copy(HCL / "versions.tf", path / "versions.tf")
        self._phase_files: list[Path] = []

    def phase(self, *sources: Path) -> None:
        """Replace the previous phase's files with those of `sources` (the next edit of the config)."""
        for old in self._phase_files:
            old.unlink()
        self._phase_files = [Path(shutil.copy(f, self.path)) for d in sources for f in sorted(d.glob("*.tf"))]

    def run(
        self, *args: str, check: bool = True, extra_env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        proc = super().run(*args, check=False, extra_env=extra_env)
        text = proc.stdout + proc.stderr
        self.outputs_seen.append(text)
        assert not INCONSISTENT.search(text), f"terraform {' '.join(args)}:\n{text}"
        if check and proc.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} exited {proc.returncode}\n{text}")
        return proc

    def apply(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("apply", "-auto-approve", "-input=false", "-no-color", *extra)

    def converge(self) -> None:
        """Apply, plan clean, apply again with nothing to do."""
        self.apply()
        code, plan = self.plan_exit_code()
        assert code == 0, plan
        again = self.apply().stdout
        assert "0 added, 0 changed, 0 destroyed" in again or "No changes" in again, again

    def destroy(self, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "-auto-approve", "-input=false", "-no-color", check=check)

    def instances(self) -> dict[str, dict[str, Any]]:
        """Address -> attributes of every instance in the current workspace's state, read from the
        state file (quicker than a `terraform state show` per question)."""
        marker = self.path / ".terraform" / "environment"
        workspace = marker.read_text().strip() if marker.exists() else "default"
        name = (
            "terraform.tfstate"
            if workspace == "default"
            else f"terraform.tfstate.d/{workspace}/terraform.tfstate"
        )
        found: dict[str, dict[str, Any]] = {}
        for res in json.loads((self.path / name).read_text())["resources"]:
            prefix = res["module"] + "." if "module" in res else ""
            for inst in res["instances"]:
                key = inst.get("index_key")
                index = "" if key is None else f'["{key}"]' if isinstance(key, str) else f"[{key}]"
                found[f"{prefix}{res['type']}.{res['name']}{index}"] = inst["attributes"]
        return found

    def addresses(self) -> set[str]:
        return set(self.instances())

    def id_of(self, address: str) -> str:
        value: str = self.instances()[address]["id"]
        return value


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def names(emu: GraphEmulator) -> dict[str, dict[str, Any]]:
    return {o["displayName"]: o for o in emu.objects()}


def test_count_for_each_modules_references_sensitive_and_checks(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    before = emu.objects()
    env = {k: v for k, v in emu.env().items() if k != ENV_CLIENT_SECRET}
    env |= {"TF_VAR_client_secret": emu.client_secret, "TF_VAR_secret_name": SECRET_NAME}
    tf = Hcl(tmp_path / "idioms", cli_config, env, "idioms")
    log = tmp_path / "trace.log"
    tf.init()
    # validate and the first plan see every kind of unknown: refined prefixes, count.index, ids,
    # set elements, and (in validate) the variables themselves
    tf.run("validate", "-no-color", extra_env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
    tf.run(
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        extra_env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)},
    )
    code, plan = tf.plan_exit_code()
    assert code == 0, plan
    again = tf.apply().stdout
    assert "No changes" in again or "0 added, 0 changed, 0 destroyed" in again, again

    server = names(emu)
    assert len(server) == len(before) + 12
    assert (server["Dep 0"]["renewalThresholdPercentage"], server["Dep 1"]["renewalThresholdPercentage"]) == (
        10,
        11,
    )
    assert server["DC alpha"]["helpUrl"] == "https://help.example.com/alpha"
    assert server["NORTH SETTINGS"]["notificationType"] == "companyPortal,email"
    assert server["SOUTH SETTINGS"]["issuer"] == "entrustDatacard"
    base = server["Base"]["id"]
    follower = server[f"Follows {base}"]
    assert follower["helpUrl"] == f"https://help.example.com/{base}"
    assert follower["notificationType"] == "companyPortal,email"
    assert {"Team A one", "Team A two", "Team B one"} <= set(server)
    assert SECRET_NAME in server
    assert len(tf.outputs()["ids"]) == 12

    # Neither the sensitive display name nor the ephemeral client secret reaches the logs or the
    # output; the ephemeral secret is not in state either (the sensitive name must be: it is the
    # object's name).
    trace = log.read_text()
    assert "ValidateResourceConfig" in trace or "PlanResourceChange" in trace  # it is a trace log
    for secret in (SECRET_NAME, emu.client_secret):
        assert secret not in trace
        assert not any(secret in text for text in tf.outputs_seen)
    assert emu.client_secret not in (tf.path / "terraform.tfstate").read_text()

    tf.destroy()
    assert emu.objects() == before

    # A refinement that already breaks a rule is reported by `terraform validate`, before any plan:
    # Terraform knows only that the URL will start with "ftp://".
    (tf.path / "early.tf").write_text(
        'resource "intune_derived_credential" "ftp" {\n'
        '  for_each     = toset(["a"])\n'
        '  display_name = "FTP ${each.key}"\n'
        '  issuer       = "purebred"\n'
        '  help_url     = "ftp://files.example.com/${each.key}"\n'
        "}\n"
    )
    refused = tf.run("validate", "-no-color", check=False)
    assert refused.returncode == 1
    said = " ".join(refused.stderr.split())  # Terraform wraps long lines
    assert "Invalid value for help_url" in said and "will start with 'ftp://files.example.com/'" in said


def test_moved_removed_and_lifecycle_rules(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    before = emu.objects()
    tf = Hcl(tmp_path / "lifecycle", cli_config, emu.env(), "lifecycle")
    tf.phase(HCL / "lifecycle" / "1")
    tf.init()
    tf.converge()
    ids = {a: tf.id_of(f"{RESOURCE_TYPE}.{a}") for a in ("old_name", "forgotten", "triggered", "before")}

    # ignore_changes: a display name edited in the portal is left alone
    edited = names(emu)["Edited in the portal"]["id"]
    emu.patch_object(edited, {"displayName": "Renamed by an admin"})
    code, plan = tf.plan_exit_code()
    assert code == 0, plan

    # moved keeps the object; removed forgets one without destroying it; the trigger's source
    # changing replaces the triggered object
    tf.phase(HCL / "lifecycle" / "2")
    emu.requests.clear()
    tf.apply()
    assert tf.id_of(f"{RESOURCE_TYPE}.new_name") == ids["old_name"]
    assert f"{RESOURCE_TYPE}.forgotten" not in tf.addresses()
    assert emu.get_object(ids["forgotten"]) is not None
    assert tf.id_of(f"{RESOURCE_TYPE}.triggered") != ids["triggered"]
    assert emu.get_object(ids["triggered"]) is None
    assert [r.method for r in emu.requests if r.method == "DELETE"] == ["DELETE"]
    code, plan = tf.plan_exit_code()
    assert code == 0, plan

    # create_before_destroy with -replace: the new object is made before the old one goes
    emu.requests.clear()
    tf.apply(f"-replace={RESOURCE_TYPE}.before")
    writes = [r.method for r in emu.requests if r.method in ("POST", "DELETE")]
    assert writes == ["POST", "DELETE"], writes
    assert tf.id_of(f"{RESOURCE_TYPE}.before") != ids["before"]

    # prevent_destroy refuses the destroy, and nothing is deleted
    count = len(emu.objects())
    refused = tf.destroy(check=False)
    assert refused.returncode != 0 and "Instance cannot be destroyed" in refused.stderr + refused.stdout
    assert "prevent_destroy" in refused.stderr + refused.stdout
    assert len(emu.objects()) == count

    tf.phase(HCL / "lifecycle" / "2", HCL / "lifecycle" / "3")  # the same objects, the guard lifted
    tf.destroy()
    assert emu.delete_object(ids["forgotten"])  # removed { destroy = false } left it to us
    assert emu.objects() == before


def test_import_blocks_target_refresh_only_state_commands_and_workspaces(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    before = emu.objects()
    existing = {}
    for key in ("a", "b"):
        oid = f"00000000-0000-4000-8000-0000000000{ord(key):02x}"
        emu.put_object(
            {
                "id": oid,
                "displayName": f"Adopted {key}",
                "issuer": "purebred",
                "helpUrl": None,
                "notificationType": "none",
                "renewalThresholdPercentage": None,
            },
            collection=SETTINGS,
        )
        existing[key] = oid
    tf = Hcl(tmp_path / "cli", cli_config, emu.env(), "cli")
    (tf.path / "terraform.tfvars").write_text(
        "existing = {\n" + "".join(f'  {k} = "{v}"\n' for k, v in existing.items()) + "}\n"
    )
    tf.init()

    # -target: only the targeted object (and what it needs) is created
    tf.apply(f"-target={RESOURCE_TYPE}.first")
    assert tf.addresses() == {f"{RESOURCE_TYPE}.first"}
    # then the import blocks with for_each adopt the existing objects, with no create for them
    emu.requests.clear()
    tf.converge()
    assert tf.id_of(f'{RESOURCE_TYPE}.adopted["a"]') == existing["a"]
    assert [r.body["displayName"] for r in emu.requests if r.method == "POST"] == ["Second in default"]

    # -refresh-only takes an out-of-band change into state without undoing it; the next plan does
    first = tf.id_of(f"{RESOURCE_TYPE}.first")
    emu.patch_object(first, {"displayName": "Changed outside"})
    tf.apply("-refresh-only")
    assert emu.get_object(first)["displayName"] == "Changed outside"  # type: ignore[index]
    assert tf.instances()[f"{RESOURCE_TYPE}.first"]["display_name"] == "Changed outside"
    assert "1 changed" in tf.apply().stdout
    assert emu.get_object(first)["displayName"] == "First in default"  # type: ignore[index]

    # -replace: a new object, the old one deleted
    tf.apply(f"-replace={RESOURCE_TYPE}.second")
    second = tf.id_of(f"{RESOURCE_TYPE}.second")
    assert len(names(emu)) == len(before) + 4

    # state mv away and back keeps the object; state rm forgets it; a CLI import takes it back and
    # it plans clean, with no write to Graph on the way
    emu.requests.clear()
    tf.run("state", "mv", f"{RESOURCE_TYPE}.second", f"{RESOURCE_TYPE}.elsewhere")
    assert tf.id_of(f"{RESOURCE_TYPE}.elsewhere") == second
    tf.run("state", "mv", f"{RESOURCE_TYPE}.elsewhere", f"{RESOURCE_TYPE}.second")
    tf.run("state", "rm", f"{RESOURCE_TYPE}.second")
    assert emu.get_object(second) is not None and f"{RESOURCE_TYPE}.second" not in tf.addresses()
    tf.run("import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.second", second)
    assert tf.plan_exit_code()[0] == 0
    assert not [r for r in emu.requests if r.method in ("POST", "PATCH", "DELETE")]

    # workspaces: another workspace has its own objects, and destroying it leaves default's alone
    # (the import blocks adopt only in default)
    tf.run("workspace", "new", "-no-color", "staging")
    tf.apply()
    assert tf.plan_exit_code()[0] == 0
    assert {"First in staging", "Second in staging"} <= set(names(emu))
    assert tf.addresses() == {f"{RESOURCE_TYPE}.first", f"{RESOURCE_TYPE}.second"}
    tf.destroy()
    assert not {"First in staging", "Second in staging"} & set(names(emu))
    tf.run("workspace", "select", "-no-color", "default")
    assert len(tf.addresses()) == 4

    tf.destroy()
    assert emu.objects() == before
