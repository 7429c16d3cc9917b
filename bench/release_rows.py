"""The packaged provider (issue 16): `intune-provider package` builds the release zip (timed), and the
self-contained executable unpacked from it starts to Terraform's handshake side by side with the venv
launcher that `intune-provider install` writes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from functools import partial
from pathlib import Path

from bench.context import Context
from bench.env import base_env
from bench.handshake import start_to_handshake
from bench.result import Row
from bench.timing import interleaved
from terraform_provider_intune.release.binary import EXECUTABLE

MIB = 1024 * 1024


def unpack(archive: Path, target: Path) -> Path:
    """Unzip as Terraform does, keeping the mode bits; return the executable."""
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = Path(zipped.extract(info, target))
            os.chmod(path, (info.external_attr >> 16) & 0o777)
    return target / EXECUTABLE


def rows(ctx: Context) -> list[Row]:
    site = ctx.dir("release-site")
    command = [str(Path(sys.executable).with_name("intune-provider")), "package", "--out", str(site)]
    started = time.perf_counter()
    subprocess.run([*command, "--base-url", "https://bench.invalid"], check=True, capture_output=True)
    build_s = time.perf_counter() - started
    (archive,) = site.glob("*.zip")
    executable = unpack(archive, ctx.dir("release-unpacked"))
    unpacked = sum(p.stat().st_size for p in executable.parent.rglob("*") if p.is_file())
    env = base_env()
    sides = {
        "packaged": partial(start_to_handshake, executable, env),
        "venv": partial(start_to_handshake, ctx.mirror.plain["ours"], env),
    }
    s = interleaved(sides, repeats=ctx.repeats(15), warmup=2)
    return [
        Row(
            "packaged provider start to handshake (PyInstaller one-dir, from the release zip)",
            s.median("packaged"),
            s.median("venv"),
            "venv launcher of `intune-provider install`",
            target=1.15,
        ),
        Row(
            "release zip size, this platform",
            archive.stat().st_size / MIB,
            unit="MiB",
            note=f"{unpacked / MIB:.0f} MiB unpacked",
        ),
        Row("release build time (`intune-provider package`, PyInstaller one-dir)", build_s),
    ]
