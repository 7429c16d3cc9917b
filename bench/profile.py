"""Profile what the slow rows run, with pyinstrument (PyPI, in the `bench` extra).

    python -m bench.profile synth [N]   # the construct-library app, N settings (default 1000)
    python -m bench.profile plan  [N]   # every provider process of a no-change plan of N (default 100)
    python -m bench.profile apply [N]   # every provider process of an apply of N new settings (default 1000)

Reports go to `.bench-profile/` (one text file per process, slowest first on the console).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

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


def profile_terraform(kind: str, count: int) -> None:
    ctx = Context.create()
    try:
        launcher = ctx.mirror.ours_exe
        inner = " ".join(shlex.quote(a) for a in _pyinstrument())
        launcher.write_text(
            f'#!/bin/sh\nexec {inner} -o "{OUT}/{kind}-$$.txt" -m terraform_provider_intune.main "$@"\n'
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
        print(path)


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
