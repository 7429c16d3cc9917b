"""The estate on one machine (issue 19): ONE provider configuration, a resource-level `tenant_id`,
2 settings per tenant, one multi-tenant app consented in every tenant of the emulator; Graph answering
150 ms late against the same estate with no latency, at 10 and 100 tenants (and 500 with
BENCH_HEAVY=1; `BENCH_ESTATE_TENANTS=10,50` picks the counts):

* a no-change `terraform plan` (refresh included: a token and a listing per tenant);
* an apply that changes one setting (the same refresh, then one PATCH);
* the provider's peak memory during the no-change plan, and how it grows per tenant;
* the marginal cost per added tenant (slope between consecutive counts).

Target at 500 tenants: the latency plan at most 1.5x the zero-latency plan; memory growth at most
0.2 MiB per tenant. Both emulators (with and without latency) run side by side in their own
processes; the two sides alternate, so load from other work hits both alike.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from bench.context import Context
from bench.env import Emulator, Workdir
from bench.result import Row
from bench.tenant_rows import LATENCY_S, one_configuration_config, register_tenants, tenant_ids
from bench.timing import interleaved, timed
from intune_model.address import RESOURCE_TYPE

PER_TENANT = 2
COUNTS = (10, 100)
HEAVY_COUNTS = (10, 100, 500)
TARGET_COUNT = 500
PLAN_TARGET = 1.5
MEMORY_LIMIT_KIB = 0.2 * 1024  # per added tenant


def counts() -> tuple[int, ...]:
    chosen = os.environ.get("BENCH_ESTATE_TENANTS", "").strip()
    if chosen:
        return tuple(sorted({int(c) for c in chosen.split(",") if c.strip()}))
    return HEAVY_COUNTS if os.environ.get("BENCH_HEAVY", "") not in ("", "0") else COUNTS


class _Side:
    """One Terraform working directory of the estate, against one emulator."""

    def __init__(self, ctx: Context, name: str, cfg: dict[str, Any], env: dict[str, str]) -> None:
        self.ctx = ctx
        self.cfg = cfg
        self.work = Workdir(ctx.dir(name), ctx.mirror.rc, {**env, "BENCH_RSS_DIR": str(ctx.rss_dir)})
        self.work.write(cfg)
        self.work.init()
        self.work.apply("-parallelism=10")
        self.work.plan_no_change()  # proves the estate is in place before anything is timed
        self.flip = False

    def plan(self) -> float:
        return timed(self.work.plan_no_change)

    def plan_memory_mib(self) -> float:
        """Peak RSS of the largest provider process of one no-change plan."""
        self.ctx.take_rss("ours")
        self.work.plan_no_change()
        return max(self.ctx.take_rss("ours"), default=0) / 1024

    def one_change(self) -> float:
        """Apply a change of one setting's display name (back and forth on each call)."""
        self.flip = not self.flip
        resources = self.cfg["resource"][RESOURCE_TYPE]
        first = resources["t0_s0"]
        first["display_name"] = "Tenant 0 setting 0" + (" (changed)" if self.flip else "")
        self.work.write(self.cfg)
        return timed(lambda: self.work.apply("-parallelism=10"))


def _emulators(ctx: Context, count: int) -> dict[str, Emulator]:
    out = {}
    for side, flags in (("fast", ()), ("slow", ("--latency", str(LATENCY_S)))):
        data = ctx.scratch / f"estate-emulator-{side}-{count}"
        register_tenants(data, count)
        out[side] = Emulator(data, flags).start()
    return out


def measure(ctx: Context, count: int) -> dict[str, float]:
    """Medians for one tenant count: plan and one-change apply per side, and plan memory."""
    emulators = _emulators(ctx, count)
    try:
        cfg = one_configuration_config(tenant_ids(count), PER_TENANT)
        sides = {
            side: _Side(ctx, f"estate-{side}-{count}", _copy(cfg), emu.env) for side, emu in emulators.items()
        }
        repeats = ctx.repeats(3 if count < TARGET_COUNT else 1)
        plans = interleaved({k: s.plan for k, s in sides.items()}, repeats=repeats, warmup=0)
        applies = interleaved({k: s.one_change for k, s in sides.items()}, repeats=repeats, warmup=0)
        memory = {k: s.plan_memory_mib() for k, s in sides.items()}
    finally:
        for emu in emulators.values():
            emu.stop()
    return {
        "plan_fast": plans.median("fast"),
        "plan_slow": plans.median("slow"),
        "apply_fast": applies.median("fast"),
        "apply_slow": applies.median("slow"),
        "mib_fast": memory["fast"],
        "mib_slow": memory["slow"],
    }


def _copy(cfg: dict[str, Any]) -> dict[str, Any]:
    import json

    copied: dict[str, Any] = json.loads(json.dumps(cfg))
    return copied


def rows(ctx: Context) -> list[Row]:
    figures = {count: measure(ctx, count) for count in counts()}
    return estate_rows(figures)


def estate_rows(figures: dict[int, dict[str, float]]) -> list[Row]:
    """The rows, from `measure`'s figures by tenant count."""
    out: list[Row] = []
    late = f"emulator {LATENCY_S * 1000:.0f} ms late on each call"
    for count, f in sorted(figures.items()):
        what = f"{count} tenants x {PER_TENANT} settings, ONE provider configuration"
        what += ", resource-level `tenant_id`"
        out.append(
            Row(
                f"estate: no-change `terraform plan`, {what}, {late}",
                f["plan_slow"],
                f["plan_fast"],
                "same plan, no latency",
                target=PLAN_TARGET if count >= TARGET_COUNT else None,
                note=f"provider peak {f['mib_slow']:.0f} MiB; no latency {f['mib_fast']:.0f} MiB",
            )
        )
        out.append(
            Row(
                f"estate: apply changing 1 setting, {what}, {late}",
                f["apply_slow"],
                f["apply_fast"],
                "same apply, no latency",
            )
        )
    ordered = sorted(figures)
    for low, high in itertools.pairwise(ordered):
        added = high - low
        a, b = figures[low], figures[high]
        per = {k: (b[k] - a[k]) / added for k in a}
        kib = per["mib_slow"] * 1024
        out.append(
            Row(
                f"estate: provider peak memory per added tenant, {low} to {high} tenants (no-change plan, "
                f"{late})",
                kib,
                None,
                unit="KiB",
                limit=MEMORY_LIMIT_KIB if high >= TARGET_COUNT else None,
                note=(
                    f"{a['mib_slow']:.0f} to {b['mib_slow']:.0f} MiB; per added tenant: plan "
                    f"{per['plan_slow'] * 1000:.0f} ms late, "
                    f"{per['plan_fast'] * 1000:.0f} ms without latency; "
                    f"one-change apply {per['apply_slow'] * 1000:.0f} ms late, "
                    f"{per['apply_fast'] * 1000:.0f} ms without"
                ),
            )
        )
    return out
