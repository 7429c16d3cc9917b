"""Whose object is it? Real `terraform` against the emulator's fault modes (issue 17, Data):

* two working directories with separate states declare one setting with the same name while Graph
  drops every POST answer and lags reads: neither may adopt the other's object;
* an apply killed (SIGKILL) after its POSTs were stored leaves objects no state holds: the next
  apply names them (warning, or an error with `unmanaged_match = "error"`) instead of silently
  creating duplicates;
* an apply interrupted (SIGINT) while its new objects are not yet readable: the next refresh keeps
  believing in them (private state remembers when each was created) instead of planning them again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from tests.terraform_support import TERRAFORM, Workdir, config

pytestmark = pytest.mark.e2e

PROVIDER = {"timeout_seconds": 120}
SHARED = {"shared": {"display_name": "shared-name", "issuer": "purebred"}}


def state_ids(tf: Workdir) -> dict[str, str]:
    path = tf.path / "terraform.tfstate"
    if not path.exists():
        return {}
    return {
        res["name"]: res["instances"][0]["attributes"]["id"]
        for res in tf.state().get("resources", [])
        if res["type"] == RESOURCE_TYPE and res["instances"]
    }


def popen(tf: Workdir, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TERRAFORM or "terraform", *args],
        cwd=tf.path,
        env={**tf.env, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out


def one_line(text: str) -> str:
    """Terraform wraps diagnostics at 80 columns with a `│` gutter: join them for searching."""
    return re.sub(r"\s*\n[│╵╷ ]*", " ", text)


def test_two_configurations_sharing_a_name_never_adopt_each_others_object(
    tmp_path: Path, cli_config: Path
) -> None:
    faults = FaultPlan(drop_after_post_every=1, read_lag_s=3)
    with start_emulator(tmp_path / "emulator", faults=faults) as emu:
        a = Workdir(tmp_path / "a", cli_config, emu.env())
        b = Workdir(tmp_path / "b", cli_config, emu.env())
        for tf in (a, b):
            tf.write(config(SHARED, provider=PROVIDER))
            tf.init()
        apply = ("apply", "-auto-approve", "-input=false", "-no-color")
        first = popen(a, *apply)
        time.sleep(1.5)
        second = popen(b, *apply)
        outputs = {"a": finish(first), "b": finish(second)}
        codes = {"a": first.returncode, "b": second.returncode}

        objects = sorted(o["id"] for o in emu.objects())
        assert len(objects) == 2 and faults.dropped == 2, (objects, outputs)
        held = {name: state_ids(tf).get("shared") for name, tf in (("a", a), ("b", b))}
        # The bug: both states held the object A's POST made, and B's was an orphan.
        assert held["a"] is None or held["a"] != held["b"], (held, outputs)
        for name in ("a", "b"):
            text = one_line(outputs[name])
            if held[name] is not None:
                assert codes[name] == 0, outputs[name]
                continue
            # It could not prove which object is its own: it says so, naming every candidate, the
            # POST's client-request-id and the import command, and records nothing.
            assert codes[name] != 0, outputs[name]
            assert "Traceback" not in outputs[name]
            assert all(oid in text for oid in objects), outputs[name]
            assert "client-request-id" in text and "terraform import" in text, outputs[name]

        # The user follows the message: each configuration imports one of the objects.
        for name, tf in (("a", a), ("b", b)):
            if held[name] is None:
                taken = set(held.values())
                held[name] = next(oid for oid in objects if oid not in taken)
                tf.run("import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.shared", held[name])
        assert sorted(str(v) for v in held.values()) == objects
        assert a.plan_exit_code()[0] == 0 and b.plan_exit_code()[0] == 0

        a.run("destroy", "-auto-approve", "-input=false", "-no-color")
        assert [o["id"] for o in emu.objects()] == [held["b"]], "A's destroy left B's object alone"
        assert state_ids(b) == {"shared": held["b"]}
        assert b.plan_exit_code()[0] == 0


FIVE = {
    f"lagging_{i}": {
        "display_name": f"lagging {i}",
        "issuer": "purebred",
        "renewal_threshold_percentage": 10 + i,
    }
    for i in range(5)
}


def provider_pids(terraform_pid: int) -> list[int]:
    """The provider plugin processes `terraform` started (its children running our module)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == terraform_pid and "terraform_provider_intune.main" in cmdline:
            found.append(int(entry.name))
    return found


def apply_until_five_stored(tf: Workdir, emu: GraphEmulator) -> subprocess.Popen[str]:
    """Start an apply of FIVE and return once Graph stored all five POSTs (their objects are then
    waiting out the read lag, not yet readable)."""
    proc = popen(tf, "apply", "-auto-approve", "-input=false", "-no-color")
    deadline = time.monotonic() + 90
    while len(emu.objects()) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert len(emu.objects()) == 5, finish(proc)
    return proc


def test_objects_a_killed_apply_left_are_named_by_the_next_apply(tmp_path: Path, cli_config: Path) -> None:
    with start_emulator(tmp_path / "emulator", faults=FaultPlan(read_lag_s=15)) as emu:
        tf = Workdir(tmp_path / "work", cli_config, emu.env())
        tf.write(config(FIVE, provider=PROVIDER))
        tf.init()
        proc = apply_until_five_stored(tf, emu)
        [plugin] = provider_pids(proc.pid)
        os.kill(plugin, signal.SIGKILL)
        out = finish(proc)
        assert proc.returncode != 0, out
        assert state_ids(tf) == {}, "the provider died before answering: Terraform recorded nothing"
        orphans = sorted(o["id"] for o in emu.objects())

        emu.faults.update(read_lag_s=0)  # Graph's replicas catch up: the orphans are listed now

        # unmanaged_match = "error" (here from the environment): no create, every orphan named
        refused = tf.run(
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            check=False,
            extra_env={"INTUNE_UNMANAGED_MATCH": "error"},
        )
        text = one_line(refused.stdout + refused.stderr)
        assert refused.returncode != 0, text
        assert sorted(o["id"] for o in emu.objects()) == orphans, "nothing was created"
        for oid in orphans:
            assert f"terraform import 'intune_derived_credential.<name>' {oid}" in text, text
        assert text.count('unmanaged_match = "error"') == 5 and "Traceback" not in text, text

        # the default warns, naming each orphan and the import block, and creates the objects
        warned = tf.apply()
        text = one_line(warned.stdout + warned.stderr)
        assert "Warning: An existing derived credential settings object" in text, text
        for oid in orphans:
            assert f'import {{ to = intune_derived_credential.<name>  id = "{oid}" }}' in text, text
        assert len(emu.objects()) == 10 and len(state_ids(tf)) == 5


def test_a_refresh_right_after_an_interrupted_apply_keeps_its_lagging_objects(
    tmp_path: Path, cli_config: Path
) -> None:
    with start_emulator(tmp_path / "emulator", faults=FaultPlan(read_lag_s=15)) as emu:
        tf = Workdir(tmp_path / "work", cli_config, emu.env())
        tf.write(config(FIVE, provider=PROVIDER))
        tf.init()
        proc = apply_until_five_stored(tf, emu)
        os.kill(proc.pid, signal.SIGINT)  # Terraform stops the provider; the creates report their ids
        out = finish(proc)
        ids = state_ids(tf)
        assert len(ids) == 5 and sorted(ids.values()) == sorted(o["id"] for o in emu.objects()), out

        # Graph still answers 404 for every one of them: the refresh must not believe it
        again = tf.apply()
        assert "Resources: 0 added" in again.stdout or "No changes" in again.stdout, again.stdout
        names = sorted(o["displayName"] for o in emu.objects())
        assert len(names) == 5 and state_ids(tf) == ids, (names, again.stdout)
        assert tf.plan_exit_code()[0] == 0
        private = [r["instances"][0].get("private") for r in tf.state()["resources"]]
        assert all(private), "each instance remembers when it was created (private state)"
