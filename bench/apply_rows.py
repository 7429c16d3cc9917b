"""`terraform apply` of many new settings: against raw HTTP, against a provider that does no work, and
the provider's peak memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from bench.context import Context
from bench.env import Workdir, settings_config
from bench.raw_posts import raw_posts
from bench.result import Row
from bench.timing import Samples, interleaved, timed


@dataclass
class ApplyFigures:
    samples: Samples
    peak_rss_kib: list[int] = field(default_factory=list)


def fresh_apply(ctx: Context, side: str, count: int) -> float:
    """Seconds of `terraform apply` creating `count` settings from empty state on an empty emulator
    (`init` done before the clock starts)."""
    if side == "ours":
        ctx.emulator.restart_empty()
    work = Workdir(ctx.dir(f"apply-{side}-{count}"), ctx.mirror.rc, ctx.provider_env())
    work.write(settings_config(count, side))
    work.init()
    return timed(work.apply)


def raw(ctx: Context, count: int) -> float:
    ctx.emulator.restart_empty()
    return raw_posts(ctx.emulator.env, count)


def apply_1000(ctx: Context) -> ApplyFigures:
    ctx.take_rss("ours")
    s = interleaved(
        {
            "ours": lambda: fresh_apply(ctx, "ours", 1000),
            "raw": lambda: raw(ctx, 1000),
            "minimal": lambda: fresh_apply(ctx, "minimal", 1000),
            "terraform_data": lambda: fresh_apply(ctx, "terraform_data", 1000),
        },
        repeats=ctx.repeats(3),
        warmup=0,
    )
    return ApplyFigures(s, ctx.take_rss("ours"))


def apply_rows(ctx: Context, figures: ApplyFigures) -> list[Row]:
    s = figures.samples
    peak = max(figures.peak_rss_kib, default=0) / 1024
    return [
        Row(
            "apply 1000 settings, no throttle",
            s.median("ours"),
            s.median("minimal"),
            "same apply, minimal provider (Terraform + `tf`, no HTTP)",
            target=1.1,  # issue 19
            note="write pacer lifted (the emulator does not throttle; by default the provider keeps to "
            "Graph's 100 writes per 20 s, a 200 s floor for 1000); "
            f"1000 raw httpx POSTs, 10 in parallel, same emulator: {s.median('raw'):.1f} s; "
            f"with built-in `terraform_data` (Terraform alone): {s.median('terraform_data'):.1f} s",
        ),
        Row(
            "peak memory (RSS) of the provider during the 1000 apply",
            peak if figures.peak_rss_kib else None,
            unit="MiB",
            limit=150,
            note=f"largest of {len(figures.peak_rss_kib)} provider processes Terraform started",
        ),
    ]


def apply_growth(ctx: Context) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for count in (10, 100):
        s = interleaved(
            {side: partial(fresh_apply, ctx, side, count) for side in ("ours", "minimal")},
            repeats=ctx.repeats(3),
        )
        out[count] = {"ours": s.median("ours"), "ref": s.median("minimal")}
    return out
