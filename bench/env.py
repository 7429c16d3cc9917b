"""The real parts the rows drive: a Terraform filesystem mirror holding our provider and the minimal
one, the Graph emulator in its own process, and Terraform working directories."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph_emulator.cli import ENV_FILE, read_env_file
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCE_TYPE
from terraform_provider_intune.mirror import cli_config, install, package_dir, terraform_platform

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TERRAFORM = shutil.which("terraform") or "terraform"
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
MINIMAL_SOURCE = "terraform.local/bench/minimal"
QUIET = {
    "CHECKPOINT_DISABLE": "1",
    "TF_IN_AUTOMATION": "1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "JSII_DEPRECATED": "quiet",
    "NO_COLOR": "1",
}
ISSUERS = ("intercede", "entrustDatacard", "purebred", "xTec")


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **QUIET, **(extra or {})}


class Mirror:
    """`<dir>/terraform.rc` naming a mirror with both providers. `launcher(kind)` is the plain
    executable Terraform would run (for the handshake row); inside the mirror each provider runs
    through `rss_wrapper.py`, so every launch leaves its peak RSS in `$BENCH_RSS_DIR`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rc = install(path)  # ours, with the product's own launcher
        plat = terraform_platform()
        self.ours = path / "mirror" / "terraform.local" / "intune" / "intune" / PROVIDER_VERSION / plat
        self.ours_exe = self.ours / f"terraform-provider-intune_v{PROVIDER_VERSION}"
        self.minimal = path / "mirror" / "terraform.local" / "bench" / "minimal" / "0.1.0" / plat
        self.minimal.mkdir(parents=True, exist_ok=True)
        self.minimal_exe = self.minimal / "terraform-provider-minimal_v0.1.0"
        # ours: the product's launcher in a mirror of its own (it finds its Python from its location)
        plain_ours = package_dir(install(path / "plain").parent / "mirror") / self.ours_exe.name
        self.plain = {"ours": plain_ours, "minimal": path / "plain-minimal"}
        minimal_cmd = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'minimal_provider.py'))}"
        self._script(self.plain["minimal"], f'#!/bin/sh\nexec {minimal_cmd} "$@"\n')
        wrapper = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'rss_wrapper.py'))}"
        self._script(
            self.ours_exe,
            f"#!/bin/sh\nexec {wrapper} ours {shlex.quote(sys.executable)} "
            '-m terraform_provider_intune.main "$@"\n',
        )
        self._script(self.minimal_exe, f'#!/bin/sh\nexec {wrapper} minimal {minimal_cmd} "$@"\n')
        self.rc.write_text(cli_config(path / "mirror"))

    @staticmethod
    def _script(path: Path, text: str) -> None:
        path.write_text(text)
        path.chmod(0o755)


class Emulator:
    """The Graph emulator in its own process (`graph-emulator start`), so it never shares a GIL with
    the bench or the provider."""

    def __init__(self, data_dir: Path, flags: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.flags = flags  # e.g. ("--latency", "0.15", "--page-size", "100")
        self.env: dict[str, str] = {}

    def start(self) -> Emulator:
        exe = [sys.executable, "-m", "graph_emulator"]
        subprocess.run(
            [*exe, "start", "--data-dir", str(self.data_dir), *self.flags],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.env = read_env_file(self.data_dir / ENV_FILE)
        return self

    def stop(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "graph_emulator", "stop", "--data-dir", str(self.data_dir)], check=False
        )

    def restart_empty(self) -> Emulator:
        """A fresh, empty emulator (new data directory)."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        return self.start()


# The emulator in these rows does not throttle, so our provider's write pacer (default: Graph's own
# 100 writes per 20 s) is lifted: the rows measure the provider's work, not the rate Graph allows.
# Throttled behaviour has its own row (bench/throttled_apply.py).
UNPACED: dict[str, Any] = {"write_limit": 1_000_000, "write_window_seconds": 1}


def settings_config(count: int, kind: str) -> dict[str, Any]:
    """Terraform JSON with `count` resources: `intune_derived_credential` (kind "ours"), the minimal
    provider's `minimal_echo` with the same attributes (kind "minimal"), or Terraform's built-in
    `terraform_data` holding the same values (kind "terraform_data": Terraform alone, no plugin)."""
    resources = {
        f"s{i}": {"display_name": f"Derived credentials {i}", "issuer": ISSUERS[i % len(ISSUERS)]}
        for i in range(count)
    }
    if kind == "terraform_data":
        return {"resource": {"terraform_data": {k: {"input": v} for k, v in resources.items()}}}
    if kind == "ours":
        source, version, name, rtype = PROVIDER_SOURCE, PROVIDER_VERSION, "intune", RESOURCE_TYPE
    else:
        source, version, name, rtype = MINIMAL_SOURCE, "0.1.0", "minimal", "minimal_echo"
    return {
        "terraform": {"required_providers": {name: {"source": source, "version": version}}},
        "provider": {name: [UNPACED if kind == "ours" else {}]},
        "resource": {rtype: resources},
    }


class Workdir:
    """One Terraform working directory."""

    def __init__(self, path: Path, rc: Path, env: Mapping[str, str]) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = base_env({**env, "TF_CLI_CONFIG_FILE": str(rc)})

    def write(self, cfg: Mapping[str, Any]) -> None:
        (self.path / "main.tf.json").write_text(json.dumps(cfg, indent=1))

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [TERRAFORM, *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=900
        )
        if proc.returncode not in ok:
            raise RuntimeError(
                f"terraform {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def apply(self, *extra: str) -> None:
        self.run("apply", "-auto-approve", "-input=false", "-no-color", *extra)

    def plan_no_change(self) -> None:
        self.run("plan", "-detailed-exitcode", "-input=false", "-no-color")

    def reset_state(self) -> None:
        for name in ("terraform.tfstate", "terraform.tfstate.backup"):
            (self.path / name).unlink(missing_ok=True)
