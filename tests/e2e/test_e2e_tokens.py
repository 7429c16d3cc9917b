"""Applies that outlive their tokens (issue 12), with the real `terraform` and plugin: the emulator
issues tokens that live 3 s and answers every Graph call 0.25 s late, so a run outlives its first
token; one token is also revoked mid-run. Nothing may fail, be lost or be duplicated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

LIFETIME = 3


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(
        tmp_path / "emulator", faults=FaultPlan(latency_s=0.25), token_lifetime=LIFETIME
    ) as e:
        yield e


def settings(threshold: int) -> dict[str, dict[str, object]]:
    return {
        f"s{i}": {
            "display_name": f"short tokens {i}",
            "issuer": "intercede",
            "renewal_threshold_percentage": threshold,
        }
        for i in range(4)
    }


def test_runs_spanning_several_token_lifetimes_lose_nothing(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    tf = Workdir(tmp_path / "work", cli_config, emu.env())
    tf.write(config(settings(10)))
    tf.init()
    # Creates only: one provider process makes every Graph call (4 x list, POST, GET at 0.25 s
    # each, one at a time: 3 s), so a second token within it means it refreshed before expiry.
    issued = len(emu.identity.issued_tokens())
    tf.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1")
    assert len(emu.identity.issued_tokens()) - issued >= 2, "a new token was fetched mid-apply"
    assert sorted(o["renewalThresholdPercentage"] for o in emu.objects()) == [10] * 4
    assert [r for r in emu.requests if r.status >= 400] == [], "no token was used past its life"

    plan = emu.faults
    assert isinstance(plan, FaultPlan)
    plan.update(revoke_tokens=1)  # the next token seen is refused though unexpired: one refresh, one retry
    tf.write(config(settings(20)))
    tf.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1")
    assert plan.revoked == 1
    assert sum(r.status == 401 for r in emu.requests) == 1
    assert sorted(o["renewalThresholdPercentage"] for o in emu.objects()) == [20] * 4
    assert len({o["id"] for o in emu.objects()}) == 4 and len(tf.state()["resources"]) == 4
    assert tf.plan_exit_code()[0] == 0
    assert [r for r in emu.requests if r.status >= 400 and r.status != 401] == []
