"""The documented pipeline (docs/pipelines/intune-pipeline.sh, the steps the GitHub Actions and Azure
DevOps examples run) as a script against two emulators at once, one per tenant: plan exit codes
(2 = changes, 0 = none), a deploy of every stack where each tenant's settings land only in its own
emulator, a deploy of one stack alone, a failing deploy that exits non-zero with the AADSTS error —
and neither a secret nor a token anywhere in the synthesized JSON, state, plan files, outputs or the
TF_LOG=trace log of the full apply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
SCRIPT = ROOT / "docs" / "pipelines" / "intune-pipeline.sh"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cdktf_cli,
    pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)"),
]

DEV_SETTINGS = [{"key": "purebred", "display_name": "Purebred (dev)", "issuer": "purebred"}]
PROD_SETTINGS = [
    {
        "key": "purebred",
        "display_name": "Purebred (prod)",
        "issuer": "purebred",
        "renewal_threshold_percentage": 20,
    },
    {"key": "entrust", "display_name": "Entrust (prod)", "issuer": "entrustDatacard"},
]


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator-dev")) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator-prod")) as emulator:
        yield emulator


def stack(name: str, emu: GraphEmulator, settings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "provider": {
            "tenant_id": emu.tenant_id,
            "client_id": emu.client_id,
            "graph_endpoint": emu.graph_endpoint,
            "authority_host": emu.authority_host,
            "client_secret_variable": name.replace("-", "_") + "_client_secret",
        },
        "settings": settings,
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, dev: GraphEmulator, prod: GraphEmulator) -> Path:
    path = tmp_path_factory.mktemp("pipeline-project")
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} -m stacks"
    (path / "cdktf.json").write_text(json.dumps(cfg))
    write_config(path, dev, prod, DEV_SETTINGS)
    # One CA bundle trusting both emulators, as a corporate bundle would.
    (path / "ca-bundle.pem").write_text(dev.ca_file.read_text() + prod.ca_file.read_text())
    return path


def write_config(
    path: Path, dev: GraphEmulator, prod: GraphEmulator, dev_settings: list[dict[str, Any]]
) -> None:
    config = {"stacks": [stack("tenant-dev", dev, dev_settings), stack("tenant-prod", prod, PROD_SETTINGS)]}
    (path / "tenants.json").write_text(json.dumps(config))


@pytest.fixture(scope="module")
def env(project: Path, dev: GraphEmulator, prod: GraphEmulator) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AZURE_", "TF_", "INTUNE_", "ACTIONS_"))
        and k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
    }
    bundle = str(project / "ca-bundle.pem")
    return {
        **base,
        "CI": "1",
        "CDKTF": str(CDKTF),
        "INTUNE_PROVIDER": str(Path(sys.executable).with_name("intune-provider")),
        "INTUNE_TOOLS_DIR": str(project / ".tools"),
        "INTUNE_PIPELINE_OUT": str(project / "out"),
        "INTUNE_STACKS_CONFIG": str(project / "tenants.json"),
        "PYTHONPATH": str(ROOT),
        "SSL_CERT_FILE": bundle,
        "REQUESTS_CA_BUNDLE": bundle,
        # Per-tenant secrets, as a pipeline maps them from its secret store.
        "TF_VAR_tenant_dev_client_secret": dev.client_secret,
        "TF_VAR_tenant_prod_client_secret": prod.client_secret,
    }


def step(project: Path, env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=project,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=600,
    )


def ok(proc: subprocess.CompletedProcess[str], code: int = 0) -> str:
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}\n{out}"
    assert "\x1b[" not in out, "no colour when CI is set"
    return out


def names(emu: GraphEmulator) -> set[str]:
    return {o["displayName"] for o in emu.objects()}


def test_pipeline_two_tenants(
    project: Path, env: dict[str, str], dev: GraphEmulator, prod: GraphEmulator
) -> None:
    ok(step(project, env, "provider"))
    assert (project / ".tools" / "terraform.rc").exists()

    # PR: changes are reported with exit code 2, nothing is written
    out = ok(step(project, env, "plan"), 2)
    assert "tenant-dev: changes" in out and "tenant-prod: changes" in out
    assert dev.objects() == [] and prod.objects() == []

    # main: deploy every stack, with a trace log of the whole apply
    trace = project / "out" / "trace.log"
    ok(step(project, env, "deploy", TF_LOG="trace", TF_LOG_PATH=str(trace)))
    assert names(dev) == {"Purebred (dev)"}
    assert names(prod) == {"Purebred (prod)", "Entrust (prod)"}
    outputs = json.loads((project / "out" / "outputs.json").read_text())
    assert outputs["tenant-dev"]["purebred_id"] == dev.objects()[0]["id"]
    assert {outputs["tenant-prod"]["purebred_id"], outputs["tenant-prod"]["entrust_id"]} == {
        o["id"] for o in prod.objects()
    }

    # after the deploy: no changes, exit 0 (and a saved plan file per stack)
    out = ok(step(project, env, "plan"))
    assert "tenant-dev: no changes" in out and "tenant-prod: no changes" in out

    # one tenant alone: only dev's emulator sees a write
    write_config(project, dev, prod, [{**DEV_SETTINGS[0], "display_name": "Purebred (dev, renamed)"}])
    dev.requests.clear()
    prod.requests.clear()
    ok(step(project, env, "deploy", "tenant-dev"))
    assert names(dev) == {"Purebred (dev, renamed)"}
    assert [r.method for r in dev.requests if r.method != "GET"] == ["PATCH"]
    assert prod.requests == [] or {r.method for r in prod.requests} <= {"GET"}
    out = ok(step(project, env, "diff", "tenant-dev"))
    assert "tenant-dev" in out

    # a failing apply exits non-zero and says why
    write_config(project, dev, prod, [{**DEV_SETTINGS[0], "display_name": "never applied"}])
    failed = step(project, env, "deploy", "tenant-dev", TF_VAR_tenant_dev_client_secret="wrong-secret")
    assert failed.returncode != 0
    assert "AADSTS7000215" in " ".join((failed.stdout + failed.stderr).split())
    assert names(dev) == {"Purebred (dev, renamed)"}

    # nothing secret anywhere: synthesized JSON, state, plan files, outputs, logs
    assert trace.stat().st_size > 10_000, "the trace log was written"
    secrets = {
        dev.client_secret,
        prod.client_secret,
        *dev.identity.issued_tokens(),
        *prod.identity.issued_tokens(),
    }
    assert len(secrets) >= 4
    checked = dict(files_to_check(project))
    leaks = [(str(p), s[:6]) for p, text in checked.items() for s in secrets if s in text]
    assert leaks == []
    seen = {p.name for p in checked}
    assert {
        "trace.log",
        "cdk.tf.json",
        "terraform.tenant-dev.tfstate",
        "terraform.tenant-prod.tfstate",
    } <= seen
    assert "tfstate" in seen, "the saved plans' prior state was read"
    # the check can fail: the plan file records that a secret variable exists, never its value
    assert any("tenant_prod_client_secret" in text for text in checked.values())


def files_to_check(project: Path) -> Iterator[tuple[Path, str]]:
    """Every file the pipeline produced, plan files (zip archives) member by member."""
    skip = {".tools", "ca-bundle.pem", "tenants.json"}
    plans = 0
    for path in project.rglob("*"):
        if not path.is_file() or skip & set(path.relative_to(project).parts):
            continue
        if ".terraform" in path.parts and path.name != "terraform.tfstate":
            continue
        if path.name == "tfplan":
            plans += 1
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield path / member, archive.read(member).decode("utf-8", "replace")
            continue
        yield path, path.read_bytes().decode("utf-8", "replace")
    assert plans == 2, "both stacks' saved plans were checked"
