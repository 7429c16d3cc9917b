"""What every row shares: a scratch directory, the provider mirror, one emulator process, and how
many repetitions to run (`BENCH_SCALE=0.5` halves them, for a quick look)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.env import Emulator, Mirror

MAX_TENANTS = 100


@dataclass
class Context:
    scratch: Path
    mirror: Mirror
    emulator: Emulator
    scale: float = 1.0
    rss_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.rss_dir = self.scratch / "rss"
        self.rss_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def create(cls) -> Context:
        from bench.tenant_rows import register_tenants

        scratch = Path(tempfile.mkdtemp(prefix="intune-bench-"))
        mirror = Mirror(scratch / "terraform")
        register_tenants(scratch / "emulator", MAX_TENANTS)  # for the many-tenant rows
        emulator = Emulator(scratch / "emulator").start()
        return cls(scratch, mirror, emulator, float(os.environ.get("BENCH_SCALE", "1")))

    def repeats(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def dir(self, name: str) -> Path:
        path = self.scratch / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def provider_env(self) -> dict[str, str]:
        """The emulator's variables plus where the launchers record peak RSS."""
        return {**self.emulator.env, "BENCH_RSS_DIR": str(self.rss_dir)}

    def take_rss(self, label: str) -> list[int]:
        """Peak RSS (KiB) of every `label` provider process since the last call, then forget them."""
        path = self.rss_dir / f"{label}.rss"
        if not path.exists():
            return []
        values = [int(v) for v in path.read_text().split()]
        path.unlink()
        return values

    def close(self) -> None:
        self.emulator.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)
