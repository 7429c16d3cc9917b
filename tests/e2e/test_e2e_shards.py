"""An estate split across runners: 8 tenant stacks in 4 shards, deployed by 4 processes at once, as
4 CI runners of the documented workflow would (each its own checkout directory, provider mirror,
`cdktf.out` and `INTUNE_STACKS_SHARD`, running docs/pipelines/intune-pipeline.sh), against one
emulator where one multi-tenant app is consented in 8 tenants; state is one file per stack in one
shared place (as `{stack}` in a remote backend's key). Then every tenant holds its settings exactly
once, and a second run of all 4 shards sends no write and changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from stacks.shards import split

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
SCRIPT = ROOT / "docs" / "pipelines" / "intune-pipeline.sh"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cdktf_cli,
    pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)"),
]

SHARDS = 4
STACKS = [f"tenant-{i:02d}" for i in range(8)]
TENANTS = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"intune-shard-test-{name}")) for name in STACKS}
WRITES = ("POST", "PATCH", "DELETE")


def settings(name: str) -> list[dict[str, Any]]:
    return [
        {"key": "purebred", "display_name": f"Purebred ({name})", "issuer": "purebred"},
        {"key": "entrust", "display_name": f"Entrust ({name})", "issuer": "entrustDatacard"},
    ]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    data = tmp_path_factory.mktemp("emulator-estate")
    offline = GraphEmulator(data)  # one multi-tenant app, consented in every tenant
    for tenant in TENANTS.values():
        offline.add_client(tenant, offline.client_id, offline.client_secret)
    with start_emulator(data) as emu:
        yield emu


@pytest.fixture(scope="module")
def runners(tmp_path_factory: pytest.TempPathFactory, emulator: GraphEmulator) -> list[Path]:
    """One checkout directory per shard; one configuration file, as committed in the repository."""
    base = tmp_path_factory.mktemp("estate")
    state_dir = base / "remote-state"  # one state per stack, shared like a bucket with {stack} keys
    state_dir.mkdir()
    config = {
        "backend": {"type": "local", "state_dir": str(state_dir)},
        "stacks": [
            {
                "name": name,
                "provider": {
                    "tenant_id": TENANTS[name],
                    "client_id": emulator.client_id,
                    "graph_endpoint": emulator.graph_endpoint,
                    "authority_host": emulator.authority_host,
                },
                "settings": settings(name),
            }
            for name in STACKS
        ],
    }
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} -m stacks"
    dirs = []
    for shard in range(1, SHARDS + 1):
        path = base / f"runner-{shard}"
        path.mkdir()
        (path / "cdktf.json").write_text(json.dumps(cfg))
        (path / "tenants.json").write_text(json.dumps(config))
        dirs.append(path)
    return dirs


def runner_env(path: Path, shard: int, emulator: GraphEmulator) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AZURE_", "TF_", "INTUNE_", "ACTIONS_"))
        and k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
    }
    return {
        **base,
        "CI": "1",
        "CDKTF": str(CDKTF),
        "INTUNE_PROVIDER": str(Path(sys.executable).with_name("intune-provider")),
        "INTUNE_TOOLS_DIR": str(path / ".tools"),
        "INTUNE_PIPELINE_OUT": str(path / "out"),
        "INTUNE_STACKS_CONFIG": str(path / "tenants.json"),
        "INTUNE_STACKS_SHARD": f"{shard}/{SHARDS}",
        "PYTHONPATH": str(ROOT),
        "SSL_CERT_FILE": str(emulator.ca_file),
        "REQUESTS_CA_BUNDLE": str(emulator.ca_file),
        "AZURE_CLIENT_SECRET": emulator.client_secret,  # the multi-tenant app's secret
    }


def run_shards(runners: list[Path], emulator: GraphEmulator, *steps: str) -> list[str]:
    """Every shard's steps in its own process, all shards at once; each shard's output."""
    script = " && ".join(f"bash {SCRIPT} {step}" for step in steps)
    procs = [
        subprocess.Popen(
            ["bash", "-c", script],
            cwd=path,
            env=runner_env(path, shard, emulator),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for shard, path in enumerate(runners, start=1)
    ]
    outputs = []
    for shard, proc in enumerate(procs, start=1):
        out, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"shard {shard}/{SHARDS} exited {proc.returncode}\n{out[-4000:]}"
        outputs.append(out)
    return outputs


def estate(emulator: GraphEmulator) -> dict[str, list[tuple[str, str]]]:
    """Per stack: (display name, id) of every object in its tenant."""
    return {
        name: sorted((o["displayName"], o["id"]) for o in emulator.objects(TENANTS[name])) for name in STACKS
    }


def test_four_shards_deploy_the_estate_once(runners: list[Path], emulator: GraphEmulator) -> None:
    started = time.monotonic()
    outputs = run_shards(runners, emulator, "provider", "deploy")
    first_s = time.monotonic() - started

    # each runner deployed its shard's stacks and no other
    for shard, (path, out) in enumerate(zip(runners, outputs, strict=True), start=1):
        mine = split(STACKS, SHARDS)[shard - 1]
        assert mine, f"shard {shard} is empty; choose stack names that fill every shard"
        deployed = json.loads((path / "out" / "outputs.json").read_text())
        assert sorted(deployed) == sorted(mine), out[-2000:]
    # every tenant holds its two settings exactly once, in its own tenant
    first = estate(emulator)
    for name, objects in first.items():
        assert [d for d, _ in objects] == sorted(s["display_name"] for s in settings(name)), (name, objects)
    assert emulator.objects() == []  # nothing in the app's home tenant
    # every stack's state is its own file, in the shared state place
    state_files = sorted(p.name for p in (runners[0].parent / "remote-state").glob("*.tfstate"))
    assert state_files == [f"terraform.{name}.tfstate" for name in STACKS]

    # the next run of every shard (the next push) changes nothing and writes nothing
    writes_before = sum(1 for r in emulator.requests if r.method in WRITES)
    started = time.monotonic()
    again = run_shards(runners, emulator, "deploy")
    second_s = time.monotonic() - started
    assert estate(emulator) == first
    assert sum(1 for r in emulator.requests if r.method in WRITES) == writes_before
    for out in again:
        assert "No changes" in out, out[-2000:]
    print(f"\n4 shards x 2 stacks: first run {first_s:.1f} s, second run {second_s:.1f} s")
