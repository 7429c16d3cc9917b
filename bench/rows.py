"""The registry: every row group in the order it runs. A group takes the shared `Context` and returns
its rows; adding a row is one function and one line here."""

from __future__ import annotations

from collections.abc import Callable

from bench import cdktf_tenants, estate_rows, read_strategies, release_rows, tenant_rows
from bench.context import Context
from bench.provider_rows import handshake_row, plan_row
from bench.result import Row
from bench.synth_rows import synth_rows
from bench.throttled import throttled_row

Group = Callable[[Context], list[Row]]

GROUPS: list[tuple[str, Group]] = [
    ("synth", synth_rows),
    ("handshake", lambda ctx: [handshake_row(ctx)]),
    ("packaged provider (issue 16)", release_rows.rows),
    ("plan", lambda ctx: [plan_row(ctx)]),
    ("throttled apply (issue 4)", lambda ctx: [throttled_row(ctx)]),
    ("reads", lambda ctx: read_strategies.rows(read_strategies.measure(ctx.repeats(5)))),
    ("fixed", tenant_rows.fixed_cost_row),
    ("tenants", tenant_rows.tenants_row),
    ("latency", tenant_rows.latency_row),
    ("estate", estate_rows.rows),  # 10 and 100 tenants; 500 with BENCH_HEAVY=1 (issue 19)
    ("tenant-growth", tenant_rows.growth_rows),
    ("cdktf-tenants", cdktf_tenants.rows),
]

# Groups of several minutes: run only when named (`python -m bench tenant-growth`) or with
# BENCH_HEAVY=1 (`BENCH_HEAVY=1 make bench`).
HEAVY = frozenset({"tenant-growth", "cdktf-tenants"})
