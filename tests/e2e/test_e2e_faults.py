"""The fault suite: real `terraform` against the emulator while it throttles, fails calls with
503/504, lags reads of new ids and drops the connection after storing some POSTs. Whatever happens,
the server must hold exactly the objects in state (no duplicate, no orphan), a second plan must be
clean, and destroy under the same faults must empty the server. Also: Ctrl-C during an apply
leaves state that matches the server."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from tests.terraform_support import TERRAFORM, Workdir, config

pytestmark = pytest.mark.e2e

COUNT = 32
ISSUERS = ("intercede", "entrustDatacard", "purebred", "xTec")


def settings(count: int, prefix: str = "setting") -> dict[str, dict[str, Any]]:
    return {
        f"{prefix}_{i:03d}": {
            "display_name": f"{prefix} {i:03d}",
            "issuer": ISSUERS[i % len(ISSUERS)],
            "help_url": f"https://example.com/help/{i}",
            "notification_types": ["email"] if i % 2 else ["companyPortal", "email"],
            "renewal_threshold_percentage": 10 + i % 50,
        }
        for i in range(count)
    }


def hostile() -> FaultPlan:
    """Throttling (every 7th write and a 20 writes/s bucket), 10% 503, read lag, dropped POSTs."""
    return FaultPlan(
        throttle_every=7,
        retry_after_s=1,
        write_rate=20,
        write_burst=10,
        error_rate=0.10,
        error_statuses=(503,),
        read_lag_s=1.0,
        drop_after_post_every=5,
        seed=4,
    )


# Fast enough for a test, still far above any single wait the faults cause.
PROVIDER = {"timeout_seconds": 120}


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator", faults=hostile()) as emulator:
        yield emulator


def state_ids(tf: Workdir) -> dict[str, str]:
    path = tf.path / "terraform.tfstate"
    if not path.exists():
        return {}
    return {
        res["name"]: res["instances"][0]["attributes"]["id"]
        for res in tf.state().get("resources", [])
        if res["type"] == RESOURCE_TYPE and res["instances"]
    }


def test_apply_plan_destroy_under_faults(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    wanted = settings(COUNT)
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    tf.write(config(wanted, provider=PROVIDER))
    tf.init()

    proc = tf.apply()
    faults = emu.faults
    assert isinstance(faults, FaultPlan)
    assert faults.throttled > 0 and faults.errors > 0 and faults.dropped > 0, "the faults did happen"
    assert "Adopted the object a lost create made" in proc.stdout + proc.stderr

    # exactly the objects in state: no duplicate, no orphan, each with its settings
    ids = state_ids(tf)
    assert len(ids) == COUNT
    server = {o["id"]: o for o in emu.objects()}
    assert sorted(server) == sorted(ids.values())
    for name, oid in ids.items():
        assert server[oid]["displayName"] == wanted[name]["display_name"]
    posts = [r for r in emu.requests if r.method == "POST" and r.status in (0, 201)]
    assert len(posts) == COUNT, "every stored POST is in state: none was sent twice"

    assert tf.plan_exit_code()[0] == 0

    tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
    assert emu.objects() == []
    assert state_ids(tf) == {}


def test_patch_answering_200_or_204_under_faults(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    wanted = settings(4, "patched")
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    tf.write(config(wanted, provider=PROVIDER))
    tf.init()
    tf.apply()
    for status in (200, 204):
        emu.patch_status = status
        wanted = {k: {**v, "renewal_threshold_percentage": status % 100 + 1} for k, v in wanted.items()}
        tf.write(config(wanted, provider=PROVIDER))
        tf.apply()
        assert {o["renewalThresholdPercentage"] for o in emu.objects()} == {status % 100 + 1}
        assert tf.plan_exit_code()[0] == 0
    assert len(emu.objects()) == 4


def test_interrupted_apply_leaves_state_matching_the_server(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    # slow writes (1/s after a burst of 3) so the interrupt lands mid-apply
    emu.faults.update(write_rate=1, write_burst=3, throttle_every=0, drop_after_post_every=0)  # type: ignore[attr-defined]
    wanted = settings(20, "interrupted")
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    tf.write(config(wanted, provider=PROVIDER))
    tf.init()
    proc = subprocess.Popen(
        [TERRAFORM or "terraform", "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=tf.path,
        env=tf.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(emu.objects()) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(emu.objects()) >= 5, "the apply never got going"
        os.kill(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0, out
    ids = state_ids(tf)
    assert 0 < len(ids) < 20, out
    assert sorted(o["id"] for o in emu.objects()) == sorted(ids.values()), out

    # the next apply finishes the job without duplicates
    emu.faults.update(write_rate=0)  # type: ignore[attr-defined]
    second = tf.apply()
    names = sorted(o["displayName"] for o in emu.objects())
    twice = sorted({n for n in names if names.count(n) > 1})
    assert len(state_ids(tf)) == 20 and len(emu.objects()) == 20, (twice, out, second.stdout)
    assert tf.plan_exit_code()[0] == 0
