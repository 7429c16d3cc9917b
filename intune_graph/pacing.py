"""Write pacing: one schedule of write slots shared by every thread that writes to one tenant.

Graph allows an app about 100 writes per 20 s per tenant. Terraform runs ten operations at once;
without pacing they burst, all get 429 with the same `Retry-After`, sleep in lock-step and burst
again. `WritePacer` hands out send times instead (a GCRA token bucket): writes leave at the allowed
rate after a small burst, so a large apply runs close to the limit and rarely sees a 429.

It adapts: a 429 on a write pauses every writer until `Retry-After` has passed, lowers the rate
(multiplicative decrease) and drops the burst allowance; each successful write gives a little of
the rate back (additive increase) up to the configured ceiling. The clock is injectable, and
`reserve` only computes a delay (callers sleep), so the rules are testable without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from intune_graph.defaults import DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S

DECREASE = 0.75  # rate multiplier on each 429
RECOVERY_WRITES = 20  # successful writes to climb back from the floor to the ceiling, roughly
MIN_FRACTION = 0.05  # the rate never drops below this fraction of the ceiling


@dataclass(frozen=True)
class PacerSnapshot:
    """What the pacer currently allows, for tests and diagnostics."""

    rate: float  # writes per second now
    ceiling: float  # configured writes per second
    paused_for: float  # seconds until writes may resume after a 429
    throttled: int  # 429s seen so far


class WritePacer:
    """Thread-safe write scheduler for one tenant.

    Args:
        limit, window_s: the allowed writes per window (the ceiling rate is `limit / window_s`).
        burst: writes that may leave back to back when the pacer has been idle (default: one
            second's worth of the ceiling rate, at least 1). Kept below what Graph tolerates so
            that scheduling jitter between our clock and the server's does not cost a 429.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        limit: float = DEFAULT_WRITE_LIMIT,
        window_s: float = DEFAULT_WRITE_WINDOW_S,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit <= 0 or window_s <= 0:
            raise ValueError("write limit and window must be positive")
        self.ceiling = limit / window_s
        self.burst = max(1.0, burst if burst is not None else self.ceiling)
        self._clock = clock
        self._lock = threading.Lock()
        self._rate = self.ceiling
        self._tat = clock()  # theoretical arrival time of the next write (GCRA)
        self._paused_until = 0.0
        self._throttled = 0
        self._generation = 0  # bumped by every 429: older reservations are void

    # ------------------------------------------------------------------ scheduling

    def reserve(self) -> float:
        """Claim the next write slot; return how many seconds to wait before sending (0 = now)."""
        return self._reserve()[0]

    def _reserve(self) -> tuple[float, int]:
        with self._lock:
            now = self._clock()
            interval = 1.0 / self._rate
            tolerance = (self.burst - 1.0) * interval
            tat = max(self._tat, now, self._paused_until + tolerance)
            send_at = max(now, tat - tolerance, self._paused_until)
            self._tat = tat + interval
            return send_at - now, self._generation

    def acquire(self, sleep: Callable[[float], None]) -> None:
        """Wait (with `sleep`, which may raise to cancel) until this thread may send one write.

        A slot reserved before a 429 arrived is given up and reserved again in the new, slower
        schedule, so writers queued before the 429 cannot fire into the pause or double up."""
        while True:
            wait, generation = self._reserve()
            if wait > 0:
                sleep(wait)
            with self._lock:
                if generation == self._generation and self._clock() >= self._paused_until:
                    return

    # ------------------------------------------------------------------ feedback

    def throttled(self, retry_after_s: float | None) -> None:
        """Graph answered a write with 429: pause everyone, slow down, forget the burst credit."""
        with self._lock:
            now = self._clock()
            self._throttled += 1
            self._generation += 1
            self._rate = max(self.ceiling * MIN_FRACTION, self._rate * DECREASE)
            pause = retry_after_s if retry_after_s is not None else 1.0 / self._rate
            self._paused_until = max(self._paused_until, now + pause)
            # after the pause, writes leave one interval apart: no burst into a fresh 429
            self._tat = max(self._tat, self._paused_until + (self.burst - 1.0) / self._rate)

    def succeeded(self) -> None:
        """A write went through: climb back towards the ceiling."""
        with self._lock:
            if self._rate < self.ceiling:
                step = self.ceiling * (1 - MIN_FRACTION) / RECOVERY_WRITES
                self._rate = min(self.ceiling, self._rate + step)

    def snapshot(self) -> PacerSnapshot:
        with self._lock:
            return PacerSnapshot(
                rate=self._rate,
                ceiling=self.ceiling,
                paused_for=max(0.0, self._paused_until - self._clock()),
                throttled=self._throttled,
            )


_SHARED: dict[tuple[str, str], WritePacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(
    graph_endpoint: str,
    tenant_id: str,
    limit: float = DEFAULT_WRITE_LIMIT,
    window_s: float = DEFAULT_WRITE_WINDOW_S,
) -> WritePacer:
    """The process's pacer for one tenant of one cloud (created on first use): every client and
    thread writing to that tenant in this process waits in the same schedule."""
    key = (graph_endpoint.rstrip("/").lower(), tenant_id.lower())
    with _SHARED_LOCK:
        pacer = _SHARED.get(key)
        if pacer is None or pacer.ceiling != limit / window_s:
            pacer = WritePacer(limit, window_s)
            _SHARED[key] = pacer
        return pacer
