"""The table, on the console and in `docs/benchmarks.md` (between the markers; the rest of the file,
the findings written by hand, is kept)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench.result import Row

BEGIN = "<!-- bench:begin (written by `make bench`; edit outside the markers) -->"
END = "<!-- bench:end -->"


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| what | ours | reference (floor) | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        ref = f"{_num(r.reference, r.unit)} — {r.reference_name}" if r.reference_name else "—"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        what = r.what + (f" ({r.note})" if r.note else "")
        lines.append(
            f"| {what} | {_num(r.ours, r.unit)} | {ref} | {ratio} | {r.target_text()} | {r.verdict} |"
        )
    return "\n".join(lines)


def growth_table(synth: Mapping[int, Mapping[str, float]], apply: Mapping[int, Mapping[str, float]]) -> str:
    lines = [
        "| settings | synth ours | synth generated binding | apply ours | apply minimal provider |",
        "|---|---|---|---|---|",
    ]
    for count in sorted(set(synth) | set(apply)):
        s, a = synth.get(count, {}), apply.get(count, {})
        cells = [_num(s.get("ours"), "s"), _num(s.get("ref"), "s"), _num(a.get("ours"), "s")]
        cells.append(_num(a.get("ref"), "s"))
        lines.append(f"| {count} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Marginal cost per setting (slope between 100 and 1000, unless said):")
    lines.append("")
    for label, data in (("synth", synth), ("apply", apply)):
        if 100 in data and 1000 in data:
            parts = []
            for side, name in (("ours", "ours"), ("ref", "reference")):
                if side in data[100] and side in data[1000]:
                    slope = (data[1000][side] - data[100][side]) / 900 * 1000
                    parts.append(f"{name} {slope:.1f} ms")
            if 10 in data and "ours" in data[10]:
                early = (data[100]["ours"] - data[10]["ours"]) / 90 * 1000
                parts.append(f"ours between 10 and 100: {early:.1f} ms")
            lines.append(f"- {label}: " + ", ".join(parts))
    return "\n".join(lines)


def document(
    rows: Sequence[Row],
    growth: str,
    machine: Mapping[str, str],
    versions: Mapping[str, str],
    load_before: str,
    load_after: str,
    minutes: float,
) -> str:
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    mach = ", ".join(f"{k}: {v}" for k, v in machine.items())
    vers = ", ".join(f"{k} {v}" for k, v in versions.items())
    return "\n".join(
        [
            BEGIN,
            f"Measured {when} by `make bench` in {minutes:.1f} min.",
            "",
            f"- Machine: {mach}",
            f"- Versions: {vers}",
            f"- Load average (1/5/15 min) before: {load_before}; after: {load_after}",
            "- Medians of interleaved repetitions after a warm-up; ours and the reference alternate.",
            "",
            table(rows),
            "",
            "### How cost grows",
            "",
            growth,
            END,
        ]
    )


def write(path: Path, block: str) -> None:
    if path.exists():
        text = path.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail)
            return
        path.write_text(text.rstrip() + "\n\n" + block + "\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Benchmarks\n\n" + block + "\n")
