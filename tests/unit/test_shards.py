"""Shards of an estate (stacks.shards): property checks over random estates (seeded, so a failure
repeats), and `python -m stacks list --shard`."""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.shards import MAX_SHARDS, Shard, ShardError, parse_shard, shard_of, split

ROOT = Path(__file__).resolve().parents[2]
SEEDS = range(40)


def estate(rng: random.Random, size: int) -> list[str]:
    """`size` distinct stack names of varied shapes."""
    alphabet = string.ascii_letters + string.digits + "-_"
    names: set[str] = set()
    while len(names) < size:
        names.add(rng.choice(string.ascii_letters) + "".join(rng.choices(alphabet, k=rng.randint(0, 20))))
    out = sorted(names)
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_every_stack_in_exactly_one_shard(seed: int) -> None:
    rng = random.Random(seed)
    names = estate(rng, rng.randint(0, 300))
    count = rng.randint(1, 32)
    shards = split(names, count)
    assert len(shards) == count
    flat = [name for shard in shards for name in shard]
    assert sorted(flat) == sorted(names)  # the union is the estate ...
    assert len(flat) == len(set(flat))  # ... and no stack is in two shards
    for index, members in enumerate(shards, start=1):
        shard = Shard(index, count)
        assert shard.select(names, str) == members  # select keeps the estate's order
        assert all(shard.holds(n) for n in members)
        assert not any(shard.holds(n) for n in names if n not in members)


@pytest.mark.parametrize("seed", SEEDS)
def test_adding_or_removing_a_tenant_moves_only_it(seed: int) -> None:
    rng = random.Random(seed)
    names = estate(rng, rng.randint(1, 200))
    count = rng.randint(1, 16)
    before = {n: shard_of(n, count) for n in names}
    added = estate(rng, 1)[0] + "-new"
    grown = names[:]
    grown.insert(rng.randint(0, len(grown)), added)  # anywhere in the file
    after = {n: s for s, members in enumerate(split(grown, count), start=1) for n in members}
    assert {n: after[n] for n in names} == before
    removed = rng.choice(names)
    shrunk = {
        n: s for s, members in enumerate(split([n for n in names if n != removed], count), 1) for n in members
    }
    assert shrunk == {n: s for n, s in before.items() if n != removed}


@pytest.mark.parametrize("seed", SEEDS)
def test_one_more_shard_moves_stacks_only_into_it(seed: int) -> None:
    rng = random.Random(seed)
    names = estate(rng, 400)
    count = rng.randint(1, 15)
    moved = [n for n in names if shard_of(n, count) != shard_of(n, count + 1)]
    assert all(shard_of(n, count + 1) == count + 1 for n in moved)
    # about 1 in count + 1 moves (a hash modulo count would move most of them)
    assert len(moved) < len(names) * 2 / (count + 1) + 10


def test_shards_are_balanced() -> None:
    sizes = [len(s) for s in split([f"tenant-{i}" for i in range(4000)], 8)]
    assert min(sizes) > 400 and max(sizes) < 600, sizes


def test_the_rule_is_fixed_across_versions() -> None:
    """Pipelines on different versions of this package must agree: pin a few assignments."""
    got = [shard_of(f"tenant-{i}", 8) for i in range(8)]
    assert got == [4, 5, 3, 8, 2, 6, 1, 3], got


@pytest.mark.parametrize(
    ("text", "shard"),
    [("3/8", Shard(3, 8)), (" 1 / 1 ", Shard(1, 1)), (f"256/{MAX_SHARDS}", Shard(256, 256))],
)
def test_parse_shard(text: str, shard: Shard) -> None:
    assert parse_shard(text) == shard
    assert str(shard) == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3", "write INDEX/COUNT, e.g. 3/8"),
        ("a/b", "write INDEX/COUNT"),
        ("-1/4", "write INDEX/COUNT"),
        ("0/4", "index must be 1 to 4"),
        ("5/4", "index must be 1 to 4"),
        ("1/0", "shard count 0 is out of range: use 1 to 256"),
        ("1/257", "shard count 257 is out of range"),
    ],
)
def test_bad_shard_names_the_form(text: str, message: str) -> None:
    with pytest.raises(ShardError, match=message):
        parse_shard(text)


def _list(tmp_path: Path, *args: str, shard_env: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "INTUNE_STACKS_CONFIG": str(tmp_path / "tenants.json"),
        "INTUNE_STACKS_SHARD": shard_env,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "stacks", "list", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_stacks_list_by_shard(tmp_path: Path) -> None:
    names = [f"tenant-{i:02d}" for i in range(12)]
    config = {
        "stacks": [
            {"name": n, "settings": [{"key": "s", "display_name": n, "issuer": "purebred"}]} for n in names
        ]
    }
    (tmp_path / "tenants.json").write_text(json.dumps(config))
    every = _list(tmp_path)
    assert every.returncode == 0, every.stderr
    assert every.stdout.split() == names
    listed = []
    for index in (1, 2, 3):
        proc = _list(tmp_path, "--shard", f"{index}/3")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == split(names, 3)[index - 1]
        listed += proc.stdout.split()
    assert sorted(listed) == names
    from_env = _list(tmp_path, shard_env="2/3")
    assert from_env.stdout.split() == split(names, 3)[1]
    bad = _list(tmp_path, "--shard", "4/3")
    assert bad.returncode == 2
    assert "error: shard 4/3: the index must be 1 to 3" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_deploy_takes_a_shard() -> None:
    from stacks.deploy import main, shard_arguments

    assert shard_arguments(["--shard", "3/8"]) == ([], "3/8")
    assert shard_arguments(["--shard= 2 / 4", "tenant-a"]) == (["tenant-a"], "2/4")
    assert shard_arguments(["tenant-a", "tenant-b"]) == (["tenant-a", "tenant-b"], None)
    assert main(["--shard", "9/8"]) == 2  # refused before anything starts
    assert main(["--shard"]) == 2
