"""How should one provider process read 200 settings from a Graph that answers 150 ms late?

Measures, in one process against one emulator (its own process, `--latency 0.15`):

* `gets`: 200 single GETs at parallelism 10 (what a refresh does without a snapshot);
* `list`: one paged list with `$select` of the user fields (page size 100: two calls in series);
* `batch`: `POST /$batch` of 20 GETs each, the 10 batches at parallelism 10.

The snapshot (`intune_graph.snapshot`) is built on the winner; the figures go into the bench table
and docs/benchmarks.md. Run alone with `python -m bench.read_strategies`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.env import Emulator
from bench.result import Row
from bench.timing import interleaved, timed

LATENCY_S = 0.15
COUNT = 200
PARALLELISM = 10
BATCH_SIZE = 20
PAGE_SIZE = 100


@contextmanager
def _client(env: dict[str, str]) -> Iterator[Any]:
    from intune_graph import open_client
    from terraform_provider_intune.config import resolve

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the CA bundle is read from the environment
    try:
        client = open_client(resolve({"write_limit": 1_000_000, "write_window_seconds": 1}, env))
        try:
            yield client
        finally:
            client.http.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def strategies(client: Any, ids: list[str]) -> dict[str, Callable[[], float]]:
    from intune_model.registry import spec_named

    spec = spec_named("derived_credential")
    COLLECTION_PATH, SELECT = spec.collection_path, spec.graph_select

    pool = ThreadPoolExecutor(PARALLELISM)

    def gets() -> None:
        found = list(pool.map(lambda i: client.get(COLLECTION_PATH, i), ids))
        assert all(found)

    def listed() -> None:
        found = client.list(COLLECTION_PATH, select=SELECT)
        assert len(found) == len(ids)

    def batched() -> None:
        chunks = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
        answers = list(pool.map(lambda chunk: client.batch_get(COLLECTION_PATH, chunk), chunks))
        assert sum(len(a) for a in answers) == len(ids)

    return {
        "gets": lambda: timed(gets),
        "list": lambda: timed(listed),
        "batch": lambda: timed(batched),
    }


def measure(repeats: int = 5) -> dict[str, float]:
    """Median seconds of each strategy."""
    from intune_model.registry import spec_named

    COLLECTION_PATH = spec_named("derived_credential").collection_path
    scratch = Path(tempfile.mkdtemp(prefix="intune-bench-reads-"))
    emulator = Emulator(scratch, ("--latency", str(LATENCY_S), "--page-size", str(PAGE_SIZE))).start()
    try:
        with _client(emulator.env) as client:
            with ThreadPoolExecutor(PARALLELISM) as pool:
                bodies = [{"displayName": f"Read {i}", "issuer": "purebred"} for i in range(COUNT)]
                ids = [o["id"] for o in pool.map(lambda b: client.create(COLLECTION_PATH, b), bodies)]
            samples = interleaved(strategies(client, ids), repeats=repeats)
            return {side: samples.median(side) for side in ("gets", "list", "batch")}
    finally:
        emulator.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def rows(figures: dict[str, float]) -> list[Row]:
    what = f"read {COUNT} settings at {LATENCY_S * 1000:.0f} ms latency"
    gets = f"{COUNT} single GETs at parallelism {PARALLELISM}"
    return [
        Row(
            f"{what}: one paged list with $select (page {PAGE_SIZE})", figures["list"], figures["gets"], gets
        ),
        Row(
            f"{what}: $batch of {BATCH_SIZE}, {COUNT // BATCH_SIZE} batches at parallelism {PARALLELISM}",
            figures["batch"],
            figures["gets"],
            gets,
        ),
    ]


if __name__ == "__main__":
    result = measure()
    for key, value in result.items():
        print(f"{key:6} {value:.3f} s")
