"""Medians of interleaved repetitions: ours and its reference alternate, so load that comes and
goes on a shared machine hits both sides alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class Samples:
    """Seconds (or any unit) per repetition, by side ("ours", "ref", ...)."""

    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, side: str, value: float) -> None:
        self.values.setdefault(side, []).append(value)

    def median(self, side: str) -> float:
        return statistics.median(self.values[side])

    def spread(self, side: str) -> tuple[float, float]:
        return min(self.values[side]), max(self.values[side])


def timed(call: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interleaved(sides: Mapping[str, Callable[[], float]], *, repeats: int, warmup: int = 1) -> Samples:
    """Run every side `warmup` times (discarded), then `repeats` rounds of all sides in turn, the
    order rotating each round. Each callable returns its own measurement (seconds, bytes, ...), so
    set-up work around the timed part stays out of the figure."""
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            sides[name]()
    samples = Samples()
    for round_no in range(repeats):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            samples.add(name, sides[name]())
    return samples
