"""Profile what the slow rows run (profilers from PyPI, in the `bench` extra).

    python -m bench.profile synth [N]   # pyinstrument on the construct-library app, N settings (1000)
    python -m bench.profile plan  [N]   # py-spy on every provider process of a no-change plan of N (100)
    python -m bench.profile apply [N]   # py-spy on every provider process of an apply of N (1000)

The provider serves gRPC calls on a pool of threads, which pyinstrument (main thread only) does not
see, so provider runs use py-spy (all threads, busy samples only). Reports go to `.bench-profile/`;
for py-spy the console shows the functions holding the most samples (inclusive), per process.
`BENCH_PYSPY_FLAGS=--gil` samples only the thread holding the GIL: CPU spent in Python, not waits.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.context import Context
from bench.env import HERE, ROOT, Workdir, base_env, settings_config

OUT = ROOT / ".bench-profile"


def _pyinstrument(*args: str) -> list[str]:
    return [sys.executable, "-m", "pyinstrument", "--show-all", "-r", "text", *args]


def profile_synth(count: int) -> None:
    out = OUT / f"synth-{count}.txt"
    app = HERE / "apps" / "ours.py"
    cmd = _pyinstrument("-o", str(out), str(app), str(count), str(OUT / "synth-out"))
    subprocess.run(cmd, check=True, env=base_env({"PYTHONPATH": str(HERE / "apps")}))
    print(out)


def top_functions(raw: Path, limit: int = 25) -> list[tuple[int, str]]:
    """(samples, function) with the most inclusive samples in a py-spy `raw` (collapsed) file."""
    counts: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        for frame in set(stack.split(";")):
            counts[frame] += int(n)
    return [(total, "TOTAL busy samples"), *((c, f) for f, c in counts.most_common(limit))]


def profile_terraform(kind: str, count: int) -> None:
    ctx = Context.create()
    try:
        launcher = ctx.mirror.ours_exe
        spy = shlex.quote(str(Path(sys.executable).with_name("py-spy")))
        py = shlex.quote(sys.executable)
        flags = os.environ.get("BENCH_PYSPY_FLAGS", "")
        # py-spy attaches after the start, so its own output never reaches Terraform's handshake.
        launcher.write_text(
            "#!/bin/sh\n"
            f'{py} -m terraform_provider_intune.main "$@" &\n'
            "child=$!\n"
            f'{spy} record -r 250 {flags} -f raw -o "{OUT}/{kind}-$child.txt" '
            "--pid $child >/dev/null 2>&1 &\n"
            "wait\n"
        )
        work = Workdir(ctx.dir("profile"), ctx.mirror.rc, ctx.provider_env())
        work.write(settings_config(count, "ours"))
        work.init()
        if kind == "plan":
            work.apply()
            for old in OUT.glob("plan-*.txt"):
                old.unlink()
            work.plan_no_change()
        else:
            for old in OUT.glob("apply-*.txt"):
                old.unlink()
            work.apply()
    finally:
        ctx.close()
    reports = sorted(OUT.glob(f"{kind}-*.txt"), key=os.path.getsize, reverse=True)
    for path in reports:
        print(f"== {path}")
        for samples, function in top_functions(path):
            print(f"{samples:6d}  {function}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("synth", "plan", "apply"):
        print(__doc__, file=sys.stderr)
        return 2
    kind = argv[0]
    OUT.mkdir(exist_ok=True)
    default = {"synth": 1000, "plan": 100, "apply": 1000}[kind]
    count = int(argv[1]) if len(argv) > 1 else default
    if kind == "synth":
        profile_synth(count)
    else:
        profile_terraform(kind, count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
