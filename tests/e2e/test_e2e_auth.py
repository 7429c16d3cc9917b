"""Every credential flow end to end: the real `terraform` binary runs the provider plugin, which gets
its token through azure-identity from the emulator's token endpoint over TLS, then creates an object
in the right tenant. Secret, certificate (PEM and password-protected PFX), federated token file,
GitHub Actions OIDC, Azure CLI; a wrong secret and an unconfigured machine fail with useful errors."""

from __future__ import annotations

import os
import re
import stat
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from graph_emulator.certificates import write_client_certificate
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

CREDENTIAL_VARS = (
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "INTUNE_USE_OIDC",
    "INTUNE_USE_CLI",
    "INTUNE_USE_MSI",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "MSI_ENDPOINT",
)


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def new_app(emu: GraphEmulator, **registration: Any) -> str:
    client_id = str(uuid.uuid4())
    emu.add_client(emu.tenant_id, client_id, **registration)
    return client_id


def run(
    tmp_path: Path,
    cli_config: Path,
    emu: GraphEmulator,
    env: dict[str, str],
    provider: dict[str, Any] | None = None,
    *,
    name: str = "dc",
) -> Any:
    """Init and apply one resource with exactly `env`'s credentials; return the finished process."""
    base = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS and not k.startswith("AZURE_")}
    work = Workdir(tmp_path / "work", cli_config, {})
    work.env = {
        **base,
        **work.env,
        "AZURE_TENANT_ID": emu.tenant_id,
        "AZURE_AUTHORITY_HOST": emu.authority_host,
        "INTUNE_GRAPH_ENDPOINT": emu.graph_endpoint,
        "SSL_CERT_FILE": str(emu.ca_file),
        "REQUESTS_CA_BUNDLE": str(emu.ca_file),
        **env,
    }
    for var in CREDENTIAL_VARS:
        if var not in env:
            work.env.pop(var, None)
    display = f"{name}-{uuid.uuid4().hex[:8]}"
    work.write(config({name: {"display_name": display, "issuer": "purebred"}}, provider))
    work.init()
    proc = work.run("apply", "-auto-approve", "-input=false", "-no-color", check=False)
    proc.display_name = display  # type: ignore[attr-defined]
    return proc


def said(proc: Any) -> str:
    """Terraform's diagnostics with its line wrapping undone."""
    return " ".join((proc.stdout + proc.stderr).split())


def created(emu: GraphEmulator, proc: Any) -> bool:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return any(o["displayName"] == proc.display_name for o in emu.objects())


def test_client_secret_from_the_environment(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    client = new_app(emu, client_secret="s3cret-value")
    proc = run(tmp_path, cli_config, emu, {"AZURE_CLIENT_ID": client, "AZURE_CLIENT_SECRET": "s3cret-value"})
    assert created(emu, proc)


def test_wrong_secret_fails_with_the_aadsts_code_and_message(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    client = new_app(emu, client_secret="right")
    proc = run(tmp_path, cli_config, emu, {"AZURE_CLIENT_ID": client, "AZURE_CLIENT_SECRET": "wrong"})
    assert proc.returncode != 0
    assert "AADSTS7000215" in said(proc) and "Invalid client secret provided" in said(proc)
    assert re.search(r"client secret: .{0,40}AADSTS7000215", said(proc))  # names the method it used


@pytest.mark.parametrize(("pfx", "password"), [(False, None), (True, "pfx-pass")])
def test_client_certificate(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator, pfx: bool, password: str | None
) -> None:
    path = tmp_path / ("app.pfx" if pfx else "app.pem")
    public = write_client_certificate(path, pfx=pfx, password=password)
    client = new_app(emu, certificates=[public])
    env = {"AZURE_CLIENT_ID": client, "AZURE_CLIENT_CERTIFICATE_PATH": str(path)}
    if password:
        env["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = password
    assert created(emu, run(tmp_path, cli_config, emu, env))


def test_unregistered_certificate_is_refused(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    write_client_certificate(tmp_path / "other.pem")
    client = new_app(emu, certificates=[write_client_certificate(tmp_path / "registered.pem")])
    proc = run(
        tmp_path,
        cli_config,
        emu,
        {"AZURE_CLIENT_ID": client, "AZURE_CLIENT_CERTIFICATE_PATH": str(tmp_path / "other.pem")},
    )
    assert proc.returncode != 0 and "AADSTS700027" in said(proc)


def test_federated_token_file(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    subject = "system:serviceaccount:intune:deployer"
    client = new_app(emu, federated=[emu.federated_credential(subject)])
    token_file = tmp_path / "token"
    token_file.write_text(emu.issue_federated_token(subject))
    env = {"AZURE_CLIENT_ID": client, "AZURE_FEDERATED_TOKEN_FILE": str(token_file)}
    assert created(emu, run(tmp_path, cli_config, emu, env))


def test_github_actions_oidc_selected_by_use_oidc(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    client = new_app(emu, federated=[emu.federated_credential()])
    env = {"AZURE_CLIENT_ID": client, **emu.github_actions_env(), "AZURE_CLIENT_SECRET": "ignored"}
    assert created(emu, run(tmp_path, cli_config, emu, env, {"use_oidc": True}))


def test_github_actions_oidc_for_another_subject_is_refused(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    client = new_app(emu, federated=[emu.federated_credential("repo:contoso/other:environment:prod")])
    env = {"AZURE_CLIENT_ID": client, **emu.github_actions_env(), "INTUNE_USE_OIDC": "true"}
    proc = run(tmp_path, cli_config, emu, env)
    assert proc.returncode != 0 and "AADSTS700213" in said(proc)


def test_azure_cli_when_chosen(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    """A stand-in `az` on PATH answers `az account get-access-token` with an emulator token, as the
    real CLI does after `az login`; azure-identity's AzureCliCredential runs it."""
    token = emu.issue_token()
    calls = tmp_path / "az-calls.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    az = bin_dir / "az"
    answer = {"accessToken": token, "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": 4070908800}
    az.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"print(json.dumps({answer!r}))\n"
    )
    az.chmod(az.stat().st_mode | stat.S_IXUSR)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "AZURE_CLIENT_SECRET": "not-used"}
    assert created(emu, run(tmp_path, cli_config, emu, env, {"use_cli": True}))
    # azure-identity asks `az` for a token whose resource is the Graph endpoint (the scope less /.default)
    asked = [line.split() for line in calls.read_text().splitlines()]
    assert asked and all(args[:2] == ["account", "get-access-token"] for args in asked), asked
    assert {args[args.index("--resource") + 1] for args in asked} == {emu.graph_endpoint}


def test_nothing_configured_lists_what_was_tried(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    # No az on PATH; the managed identity endpoint (App Service style) refuses connections.
    env = {
        "PATH": str(Path(sys.executable).parent) + os.pathsep + "/usr/bin:/bin",
        "IDENTITY_ENDPOINT": "http://127.0.0.1:9/msi/token",
        "IDENTITY_HEADER": "x",
    }
    env["PATH"] = os.pathsep.join(
        p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "az").exists()
    )
    proc = run(tmp_path, cli_config, emu, env)
    assert proc.returncode != 0
    assert "tried, in order: Azure CLI, managed identity" in said(proc)
    assert "Azure CLI not found" in said(proc)
    assert "Configure one of: AZURE_CLIENT_SECRET" in said(proc)


@pytest.mark.parametrize("assigned", ["system", "user"])
def test_managed_identity_when_chosen(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator, assigned: str
) -> None:
    """App Service-style managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER) served by the emulator:
    no secret anywhere; a user-assigned identity is picked by AZURE_CLIENT_ID."""
    env = dict(emu.managed_identity_env())
    if assigned == "user":
        env["AZURE_CLIENT_ID"] = emu.managed_identity.client_id
    assert created(emu, run(tmp_path, cli_config, emu, env, {"use_msi": True}))


def test_managed_identity_with_a_wrong_identity_header_fails(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    env = {**emu.managed_identity_env(), "IDENTITY_HEADER": "not-the-platform's"}
    proc = run(tmp_path, cli_config, emu, env, {"use_msi": True})
    assert proc.returncode != 0
    assert "managed identity" in said(proc) and "X-IDENTITY-HEADER" in said(proc)
