"""The registry: every row group in the order it runs. A group takes the shared `Context` and returns
its rows; adding a row is one function and one line here."""

from __future__ import annotations

from collections.abc import Callable

from bench.context import Context
from bench.provider_rows import handshake_row, plan_row
from bench.result import Row
from bench.synth_rows import synth_rows
from bench.throttled import throttled_row

Group = Callable[[Context], list[Row]]

GROUPS: list[tuple[str, Group]] = [
    ("synth", synth_rows),
    ("handshake", lambda ctx: [handshake_row(ctx)]),
    ("plan", lambda ctx: [plan_row(ctx)]),
    ("throttled apply (issue 4)", lambda ctx: [throttled_row(ctx)]),
]
