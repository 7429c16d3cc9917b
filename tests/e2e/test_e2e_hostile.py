"""Issue 17, items 3-9, end to end: plain HCL, the real `terraform`, the emulator. What a hostile or
unlucky user does ends in one clear diagnostic, in seconds, with no traceback, no credential and no
raw control character in Terraform's output; an emulator restarted on its data directory keeps its
CA, so a plan after the restart works."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from graph_emulator.cli import read_env_file
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

VERSIONS = f"""
terraform {{
  required_providers {{
    intune = {{
      source  = "{PROVIDER_SOURCE}"
      version = "{PROVIDER_VERSION}"
    }}
  }}
}}
"""
SETTING = """
resource "intune_derived_credential" "one" {
  display_name = "Hardened"
  issuer       = "purebred"
}
"""


TERRAFORM_HINT = "Error: Invalid provider configuration\n"


class Hcl(Workdir):
    def hcl(self, text: str) -> None:
        for old in self.path.glob("*.tf*"):
            old.unlink()
        (self.path / "main.tf").write_text(VERSIONS + text)

    def fails(self, *args: str, extra_env: Mapping[str, str] | None = None) -> str:
        """Run a command that must fail with exactly one error of ours; return its output. (When a
        provider with no `provider` block fails to configure, Terraform adds its own sourceless
        "Invalid provider configuration" hint, which is not counted.)"""
        proc = self.run(*args, "-no-color", check=False, extra_env=extra_env)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, out
        assert (
            "Traceback" not in out and "Plugin error" not in out and "Unexpected provider error" not in out
        ), out
        assert out.count("Error: ") - out.count(TERRAFORM_HINT) == 1, out
        return out


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def wd(tmp_path_factory: pytest.TempPathFactory, cli_config: Path, emu: GraphEmulator) -> Hcl:
    work = Hcl(tmp_path_factory.mktemp("hostile"), cli_config, emu.env())
    work.hcl(SETTING)
    work.init()
    return work


# ----------------------------------------------------------------------------- item 4


def test_a_name_graph_cannot_take_is_refused_at_validate(wd: Hcl) -> None:
    # Terraform's range() stops at 1024 elements: 1000 pieces of 100 characters (or 6 emoji).
    wd.hcl(SETTING.replace('"Hardened"', 'join("", [for i in range(1000) : "%s"])' % ("x" * 100)))
    out = wd.fails("validate")
    assert "display_name" in out and "100,000 characters long; at most 256" in out
    wd.hcl(SETTING.replace('"Hardened"', 'join("", [for i in range(1000) : "%s"])' % ("\U0001f600" * 6)))
    assert "6,000 characters long" in wd.fails("validate")


def test_a_lookup_or_an_import_id_too_long_is_refused(wd: Hcl) -> None:
    long_id = "a" * 70_000
    wd.hcl(
        'data "intune_derived_credential" "x" {\n'
        f'  display_name = join("", [for i in range(1000) : "{"y" * 70}"])\n'
        "}\n"
    )
    out = wd.fails("validate")
    assert "70,000 characters long" in out and len(out) < 5_000
    wd.hcl(SETTING)
    started = time.monotonic()
    out = wd.fails("import", "-input=false", "intune_derived_credential.one", long_id)
    assert "a Graph id has at most 256" in out and time.monotonic() - started < 60
    # Terraform itself prints "Importing from ID ..." in full; our diagnostic quotes it bounded
    assert "Invalid import id 'aaaa" in out and "(70,000 characters)" in out


# ----------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("argument", ["graph_endpoint", "authority_host"])
def test_an_endpoint_that_does_not_parse_is_an_error_naming_it(wd: Hcl, argument: str) -> None:
    wd.hcl(f'provider "intune" {{\n  {argument} = "https://[abc"\n}}\n' + SETTING)
    out = wd.fails("validate")
    assert f"Invalid provider argument {argument}" in out and "is not an absolute URL" in out


def test_an_endpoint_from_the_environment_that_does_not_parse_is_named(wd: Hcl) -> None:
    wd.hcl(SETTING)
    out = wd.fails(
        "apply", "-auto-approve", "-input=false", extra_env={"INTUNE_GRAPH_ENDPOINT": "https://[abc"}
    )
    assert "INTUNE_GRAPH_ENDPOINT" in out and "is not an absolute URL" in out


def test_a_bad_endpoint_variable_fails_the_plan_at_configure(wd: Hcl, emu: GraphEmulator) -> None:
    """Planning creates needs no Graph call, so before the check moved to configure this plan passed
    and the apply failed once per resource; now the plan fails once, and nothing reaches the tenant."""
    counted = SETTING.replace('"one" {', '"one" {\n  count = 3').replace(
        '"Hardened"', '"Hardened ${count.index}"'
    )
    bad = {"INTUNE_GRAPH_ENDPOINT": "graph.contoso.example"}
    for block in ('provider "intune" {}\n', ""):  # without a block, Terraform adds its own hint
        wd.hcl(block + counted)
        emu.requests.clear()
        out = wd.fails("plan", "-input=false", extra_env=bad)
        assert "Error: Provider configuration: graph_endpoint" in out
        assert "INTUNE_GRAPH_ENDPOINT: 'graph.contoso.example' is not an absolute URL" in out
        assert out.count(TERRAFORM_HINT) == (0 if block else 1)
        assert list(emu.requests) == []


# ----------------------------------------------------------------------------- item 6


def test_a_huge_number_is_quoted_back_bounded(wd: Hcl) -> None:
    wd.hcl(SETTING.replace("}", "  renewal_threshold_percentage = 1e100000\n}"))
    out = wd.fails("validate")
    assert "renewal_threshold_percentage" in out and "characters)" in out and len(out) < 5_000


# ----------------------------------------------------------------------------- item 8


SENSITIVE_URL = """
variable "help" {
  type      = string
  sensitive = true
}
resource "intune_derived_credential" "one" {
  display_name = "Hardened"
  issuer       = "purebred"
  help_url     = var.help
}
"""


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("ftp://user:TopSecretPw@example.com/help", "TopSecretPw"),
        ("https://admin:Pa55w0rd@example.com/help", "Pa55w0rd"),
    ],
)
def test_a_help_url_with_credentials_is_refused_and_never_printed(wd: Hcl, url: str, secret: str) -> None:
    wd.hcl(SENSITIVE_URL)
    out = wd.fails("plan", "-input=false", f"-var=help={url}")
    assert "help_url" in out and secret not in out


def test_an_endpoint_with_credentials_is_refused_and_never_printed(wd: Hcl) -> None:
    endpoint = "https://user:S3cretPw@graph.microsoft.com"
    wd.hcl(
        'variable "endpoint" {\n  type      = string\n  sensitive = true\n}\n'
        'provider "intune" {\n  graph_endpoint = var.endpoint\n}\n' + SETTING
    )
    out = wd.fails("plan", "-input=false", f"-var=endpoint={endpoint}")
    assert "carries credentials" in out and "S3cretPw" not in out
    wd.hcl(SETTING)
    out = wd.fails("apply", "-auto-approve", "-input=false", extra_env={"INTUNE_GRAPH_ENDPOINT": endpoint})
    assert "carries credentials" in out and "S3cretPw" not in out


# ----------------------------------------------------------------------------- item 9


def test_control_characters_in_a_name_are_refused_and_printed_escaped(wd: Hcl) -> None:
    wd.hcl(SETTING.replace('"Hardened"', '"Hard\\u001b[2J\\u202eened"'))
    out = wd.fails("validate")
    assert "U+001B" in out and "\x1b" not in out and "\u202e" not in out


# ----------------------------------------------------------------------------- item 3


def emulator_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph_emulator", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )


def test_a_restarted_emulator_keeps_its_ca_and_plans_work(tmp_path: Path, cli_config: Path) -> None:
    data = tmp_path / "emulator"
    started = emulator_cli("start", "--data-dir", str(data))
    assert started.returncode == 0, started.stderr
    try:
        env = read_env_file(data / "env.sh")
        ca = Path(env["SSL_CERT_FILE"]).read_bytes()
        work = Hcl(tmp_path / "work", cli_config, env)
        work.hcl(SETTING)
        work.init()
        work.apply()
        assert emulator_cli("stop", "--data-dir", str(data)).returncode == 0
        again = emulator_cli("start", "--data-dir", str(data))
        assert again.returncode == 0, again.stderr
        env = read_env_file(data / "env.sh")
        assert Path(env["SSL_CERT_FILE"]).read_bytes() == ca, "the same CA after a restart"
        work.env.update(env)  # the port may differ; the CA file is the one the user already trusts
        code, plan = work.plan_exit_code()
        assert code == 0, plan
    finally:
        emulator_cli("stop", "--data-dir", str(data))


def test_an_endpoint_whose_ca_changed_mid_apply_fails_in_seconds(tmp_path: Path, cli_config: Path) -> None:
    """The issue's symptom: the emulator restarts mid-apply with a new CA (as it did on every start
    before it kept one; here its certificate files are removed first). The provider holds a token,
    so every further call meets a certificate it cannot verify. Before, each was retried as a
    connection error until `timeout_seconds`; now the apply fails at once, naming the endpoint and
    the CA bundle it trusted."""
    data = tmp_path / "emulator"
    first = GraphEmulator(data, faults=FaultPlan(latency_s=1.0)).start()
    port, ca_file = first.port, first.ca_file
    work = Hcl(tmp_path / "work", cli_config, first.env())
    work.hcl(
        'provider "intune" {\n  timeout_seconds = 90\n}\n'
        + "".join(SETTING.replace('"one"', f'"s{i}"').replace("Hardened", f"Hardened {i}") for i in range(3))
    )
    work.init()
    apply = subprocess.Popen(
        [work_terraform(), "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=work.path,
        env=work.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    second: GraphEmulator | None = None
    try:
        deadline = time.monotonic() + 60
        while not any("/beta/" in r.path for r in list(first.requests)) and time.monotonic() < deadline:
            time.sleep(0.05)
        first.stop()
        for name in ("ca.pem", "ca-key.pem", "server.pem"):
            (data / name).unlink(missing_ok=True)
        second = GraphEmulator(data, port=port).start()  # a new CA; the provider trusts the old one
        restarted = time.monotonic()
        out, _ = apply.communicate(timeout=300)
        took = time.monotonic() - restarted
    finally:
        if apply.poll() is None:
            apply.kill()
        first.stop()
        if second is not None:
            second.stop()
    assert apply.returncode != 0, out
    assert took < 30, f"{took:.0f} s after the restart: retried as if transient\n{out}"
    assert f"Cannot verify the TLS certificate of https://127.0.0.1:{port}" in out, out
    assert f"SSL_CERT_FILE={ca_file}" in out.replace("\n", ""), out
    assert "Traceback" not in out


def work_terraform() -> str:
    from tests.terraform_support import TERRAFORM

    assert TERRAFORM
    return TERRAFORM
