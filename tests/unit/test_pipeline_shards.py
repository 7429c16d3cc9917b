"""The documented pipelines split the estate into shards the same way: docs/pipelines/github-actions.yml
(a matrix of jobs) and docs/pipelines/azure-pipelines.yml (a `strategy: matrix`) each cover shards
1..N of one N, every job hands its shard to the deploy through INTUNE_STACKS_SHARD and names no
stack (so the synthesis holds only the shard's), each stack keeps its own state (`{stack}` in the
backend key of the configuration they name), and their "Stacks of this shard" scripts, run for real
with every job's shard, list every stack of an estate exactly once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks.backends import parse_backend
from stacks.shards import parse_shard, split

ROOT = Path(__file__).resolve().parents[2]
PIPELINES = ROOT / "docs" / "pipelines"
STACKS = [f"tenant-{i:02d}" for i in range(10)]


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((PIPELINES / name).read_text())
    assert isinstance(data, dict)
    return data


def _azure_jobs() -> list[dict[str, Any]]:
    return [job for stage in _load("azure-pipelines.yml")["stages"] for job in stage["jobs"]]


def _github_jobs() -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = _load("github-actions.yml")["jobs"]
    return jobs


def _scripts(job: dict[str, Any]) -> list[str]:
    """Every shell script a job runs: `script:`/`run:` steps and AzureCLI inline scripts."""
    out = []
    for step in job["steps"]:
        for text in (step.get("script"), step.get("run"), step.get("inputs", {}).get("inlineScript")):
            if isinstance(text, str):
                out.append(text)
    return out


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if name in (s.get("displayName"), s.get("name"))]
    assert len(found) == 1, f"one step named {name!r}"
    step: dict[str, Any] = found[0]
    return step


def _covers_one_to_n(shards: list[str]) -> int:
    parsed = [parse_shard(text) for text in shards]
    counts = {s.count for s in parsed}
    assert len(counts) == 1, f"one N for every job, got {sorted(counts)}"
    (count,) = counts
    assert sorted(s.index for s in parsed) == list(range(1, count + 1)), shards
    return count


def _pipeline_calls(job: dict[str, Any], step: str) -> list[str]:
    """The arguments after `intune-pipeline.sh <step>` in every call the job makes."""
    pattern = re.compile(rf"intune-pipeline\.sh {step}\b([^\n]*)")
    return [m.group(1).strip() for text in _scripts(job) for m in pattern.finditer(text)]


def test_azure_matrix_covers_every_shard_once() -> None:
    jobs = _azure_jobs()
    deploying = [job for job in jobs if _pipeline_calls(job, "deploy")]
    assert deploying, "some job deploys"
    for job in deploying:
        matrix = job["strategy"]["matrix"]
        shards = [entry["INTUNE_STACKS_SHARD"] for entry in matrix.values()]
        assert _covers_one_to_n(shards) == len(matrix)
        # No stack named: `cdktf deploy '*'` of a synthesis that holds only the shard's stacks.
        assert _pipeline_calls(job, "deploy") == [""]
        assert _pipeline_calls(job, "plan") == [""] and _pipeline_calls(job, "diff") == [""]
        assert "INTUNE_STACKS_SHARD" not in str(job.get("variables", "")), "the matrix alone sets it"


def test_github_matrix_covers_every_shard_once() -> None:
    jobs = _github_jobs()
    assert {"plan", "deploy"} <= set(jobs)
    for name in ("plan", "deploy"):
        job = jobs[name]
        shards = job["strategy"]["matrix"]["shard"]
        assert job["env"]["INTUNE_STACKS_SHARD"] == "${{ matrix.shard }}/${{ strategy.job-total }}"
        # job-total is the matrix's size, so the shards are i/len for i in the list
        _covers_one_to_n([f"{i}/{len(shards)}" for i in shards])
    assert jobs["plan"]["strategy"]["matrix"] == jobs["deploy"]["strategy"]["matrix"]
    assert _pipeline_calls(jobs["deploy"], "deploy") == [""]


@pytest.mark.parametrize("pipeline", ["azure-pipelines.yml", "github-actions.yml"])
def test_each_stack_keeps_its_own_state(pipeline: str) -> None:
    """The pipelines name stacks/tenants.json; its example's backend key holds the stack name."""
    data = _load(pipeline)
    variables = data.get("variables") or data["env"]
    assert variables["INTUNE_STACKS_CONFIG"] == "stacks/tenants.json"
    example = json.loads((ROOT / "stacks" / "tenants.example.json").read_text())
    backend = parse_backend(example["backend"])
    names = [stack["name"] for stack in example["stacks"]]
    keys = [backend.for_stack(name)["key"] for name in names]
    assert all(name in key for name, key in zip(names, keys, strict=True))
    assert len(set(keys)) == len(names)


def _run_listing(script: str, shard: str, tmp_path: Path, extra: dict[str, str]) -> str:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "INTUNE_STACKS_CONFIG": str(tmp_path / "tenants.json"),
        "INTUNE_STACKS_SHARD": shard,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "PYTHONPATH": str(ROOT),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        **extra,
    }
    proc = subprocess.run(
        ["bash", "-e", "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert f"shard {shard}:" in proc.stdout
    return proc.stdout


def _estate(tmp_path: Path) -> None:
    config = {
        "stacks": [
            {"name": n, "settings": [{"key": "s", "display_name": n, "issuer": "purebred"}]} for n in STACKS
        ]
    }
    (tmp_path / "tenants.json").write_text(json.dumps(config))


def test_azure_shard_listing_runs_for_real(tmp_path: Path) -> None:
    """The step that decides whether a shard deploys: every stack in exactly one job's list."""
    _estate(tmp_path)
    (job,) = _azure_jobs()
    script = _step(job, "Stacks of this shard")["script"]
    listed: list[str] = []
    for entry in job["strategy"]["matrix"].values():
        shard = entry["INTUNE_STACKS_SHARD"]
        out = _run_listing(script, shard, tmp_path, {})
        prefix = "##vso[task.setvariable variable=shardStacks]"
        (line,) = [x for x in out.splitlines() if x.startswith(prefix)]
        names = line.removeprefix(prefix).split()
        shard_ = parse_shard(shard)
        assert names == split(STACKS, shard_.count)[shard_.index - 1]
        listed += names
    assert sorted(listed) == STACKS
    # The deploy step runs only where the listing found stacks.
    deploy = next(s for s in job["steps"] if "inlineScript" in s.get("inputs", {}))
    assert "ne(variables.shardStacks, '')" in deploy["condition"]


def test_github_shard_listing_runs_for_real(tmp_path: Path) -> None:
    _estate(tmp_path)
    job = _github_jobs()["deploy"]
    script = _step(job, "Stacks of this shard")["run"]
    shards = job["strategy"]["matrix"]["shard"]
    listed: list[str] = []
    for index in shards:
        output = tmp_path / f"github-output-{index}"
        _run_listing(script, f"{index}/{len(shards)}", tmp_path, {"GITHUB_OUTPUT": str(output)})
        names = output.read_text().split("=", 1)[1].split()
        assert names == split(STACKS, len(shards))[index - 1]
        listed += names
    assert sorted(listed) == STACKS
