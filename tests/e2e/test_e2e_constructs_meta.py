"""What a binding user writes, deployed with real Terraform against the emulator: `for_each` over a
`TerraformIterator`, `count`, attribute tokens used in another resource and in an output, and the
`cdktf.Testing` assertions on our constructs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cdktf
import pytest

from constructs_lib import DataIntuneDerivedCredential, DerivedCredentialSettings, IntuneProvider
from graph_emulator import GraphEmulator, start_emulator
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


VALID_TERRAFORM = """
import cdktf
print(cdktf.Testing.to_be_valid_terraform({outdir!r}))
"""

Build = Callable[[cdktf.TerraformStack], None]


def deploy(tmp_path: Path, cli_config: Path, emu: GraphEmulator, build: Build) -> Workdir:
    """Synthesize a one-stack app built by `build`, apply it, and check a second plan is empty."""
    app = cdktf.App(outdir=str(tmp_path / "cdktf.out"))
    stack = cdktf.TerraformStack(app, "meta")
    cdktf.LocalBackend(stack, path="terraform.tfstate")
    IntuneProvider(stack, "intune")
    build(stack)
    app.synth()
    stack_dir = tmp_path / "cdktf.out" / "stacks" / "meta"
    tf = Workdir(stack_dir, cli_config, emu.env())
    tf.init()
    tf.apply()
    code, plan = tf.plan_exit_code()
    assert code == 0, f"a second plan should change nothing:\n{plan}"
    return tf


def names(emu: GraphEmulator, prefix: str) -> list[str]:
    return sorted(o["displayName"] for o in emu.objects() if o["displayName"].startswith(prefix))


def test_for_each_iterator_deploys_one_setting_per_element(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    def build(stack: cdktf.TerraformStack) -> None:
        it = cdktf.TerraformIterator.from_list(["a", "b"])
        DerivedCredentialSettings(
            stack, "x", for_each=it, display_name=cdktf.Fn.format("DC %s", [it.value]), issuer="purebred"
        )

    tf = deploy(tmp_path, cli_config, emu, build)
    assert names(emu, "DC ") == ["DC a", "DC b"]
    addresses = {
        f"{r['type']}.{r['name']}[{i['index_key']!r}]"
        for r in tf.state()["resources"]
        for i in r["instances"]
    }
    assert addresses == {"intune_derived_credential.x['a']", "intune_derived_credential.x['b']"}


def test_count_deploys_that_many_settings(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    # What users write: a name templated over count.index. At validate time the template is a
    # refined unknown (a string with a known prefix), which the provider decodes and lets through.
    def build(stack: cdktf.TerraformStack) -> None:
        count = cdktf.TerraformCount.of(2)
        DerivedCredentialSettings(
            stack,
            "n",
            count=count,
            display_name=cdktf.Fn.format("Counted %d", [count.index]),
            issuer="xTec",
        )

    tf = deploy(tmp_path, cli_config, emu, build)
    assert names(emu, "Counted ") == ["Counted 0", "Counted 1"]
    (resource,) = tf.state()["resources"]
    assert [i["index_key"] for i in resource["instances"]] == [0, 1]
    ids = {i["attributes"]["id"] for i in resource["instances"]}
    assert len(ids) == 2


def test_attribute_tokens_resolve_in_other_resources_and_outputs(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    def build(stack: cdktf.TerraformStack) -> None:
        dc = DerivedCredentialSettings(
            stack, "origin", display_name="Origin", issuer="intercede", notification_types=["email"]
        )
        copy = DerivedCredentialSettings(
            stack,
            "copy",
            display_name=cdktf.Fn.format("%s (copy)", [dc.display_name]),
            issuer=dc.issuer,
            notification_types=dc.notification_types,
        )
        read = DataIntuneDerivedCredential(stack, "read", id=copy.id)
        cdktf.TerraformOutput(stack, "origin_name", value=dc.display_name)
        cdktf.TerraformOutput(stack, "copy_name", value=copy.display_name)
        cdktf.TerraformOutput(stack, "read_issuer", value=read.issuer)

    tf = deploy(tmp_path, cli_config, emu, build)
    outputs = tf.outputs()
    assert outputs == {"origin_name": "Origin", "copy_name": "Origin (copy)", "read_issuer": "intercede"}
    (copy,) = [o for o in emu.objects() if o["displayName"] == "Origin (copy)"]
    assert (copy["issuer"], copy["notificationType"]) == ("intercede", "email")


def test_cdktf_testing_assertions_work_on_the_constructs(cli_config: Path) -> None:
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "assertions")
    IntuneProvider(stack, "intune")
    it = cdktf.TerraformIterator.from_list(["a", "b"])
    DerivedCredentialSettings(
        stack, "fixed", display_name="Fixed", issuer="purebred", help_url="https://x.test/h"
    )
    DerivedCredentialSettings(stack, "each", for_each=it, display_name=it.value, issuer="xTec")
    DataIntuneDerivedCredential(stack, "read", display_name="Fixed")
    synthesized = cdktf.Testing.synth(stack)
    resource = DerivedCredentialSettings.TF_RESOURCE_TYPE
    assert cdktf.Testing.to_have_resource(synthesized, resource)
    assert cdktf.Testing.to_have_resource_with_properties(
        synthesized, resource, {"display_name": "Fixed", "issuer": "purebred", "help_url": "https://x.test/h"}
    )
    assert not cdktf.Testing.to_have_resource_with_properties(
        synthesized, resource, {"display_name": "Other"}
    )
    assert cdktf.Testing.to_have_data_source_with_properties(
        synthesized, DataIntuneDerivedCredential.TF_RESOURCE_TYPE, {"display_name": "Fixed"}
    )
    assert cdktf.Testing.to_have_provider(synthesized, "intune")
    # to_be_valid_terraform runs terraform init + validate from the Node process, which has the
    # environment it started with: check in a fresh process that has the provider mirror's config.
    script = VALID_TERRAFORM.format(outdir=cdktf.Testing.full_synth(stack))
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(cli_config)}
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "True", proc.stdout + proc.stderr
    body: dict[str, Any] = json.loads(synthesized)["resource"][resource]["each"]
    assert body["for_each"] == '${toset(["a", "b"])}' and body["display_name"] == "${each.value}"
