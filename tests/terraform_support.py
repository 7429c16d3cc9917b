"""Running the real `terraform` binary against the emulator, for end-to-end tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCE_TYPE

TERRAFORM = shutil.which("terraform")


def install_provider(target: Path) -> Path:
    """Run the public `intune-provider install` command; return the CLI config it prints last."""
    exe = Path(sys.executable).with_name("intune-provider")
    out = subprocess.run(
        [str(exe), "install", "--dir", str(target)], check=True, capture_output=True, text=True
    )
    rc = Path(out.stdout.strip().splitlines()[-1])
    assert rc.is_absolute() and rc.exists()
    return rc


def config(
    resources: Mapping[str, Mapping[str, Any]], provider: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A plain Terraform JSON configuration (what a non-CDKTF user would write), with an output per id."""
    return {
        "terraform": {
            "required_providers": {"intune": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}}
        },
        "provider": {"intune": [dict(provider or {})]},
        "resource": {RESOURCE_TYPE: {name: dict(body) for name, body in resources.items()}}
        if resources
        else {},
        "output": {f"{name}_id": {"value": f"${{{RESOURCE_TYPE}.{name}.id}}"} for name in resources},
    }


class Workdir:
    """One Terraform working directory with the emulator's environment."""

    def __init__(self, path: Path, cli_config: Path, env: Mapping[str, str]):
        assert TERRAFORM, "terraform must be on PATH"
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            **env,
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
        }

    def write(self, cfg: Mapping[str, Any]) -> None:
        (self.path / "main.tf.json").write_text(json.dumps(cfg, indent=2))

    def run(
        self, *args: str, check: bool = True, extra_env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        cmd = [TERRAFORM or "terraform", *args]
        proc = subprocess.run(
            cmd,
            cwd=self.path,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def apply(self) -> subprocess.CompletedProcess[str]:
        return self.run("apply", "-auto-approve", "-input=false", "-no-color")

    def plan_exit_code(self) -> tuple[int, str]:
        """0 = no changes, 2 = changes (terraform's -detailed-exitcode)."""
        proc = self.run("plan", "-detailed-exitcode", "-input=false", "-no-color", check=False)
        assert proc.returncode in (0, 2), proc.stdout + proc.stderr
        return proc.returncode, proc.stdout

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json").stdout)
        return {k: v["value"] for k, v in raw.items()}

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.path / "terraform.tfstate").read_text())
        return data

    def resource_attrs(self, name: str) -> dict[str, Any]:
        for res in self.state()["resources"]:
            if res["type"] == RESOURCE_TYPE and res["name"] == name:
                attrs: dict[str, Any] = res["instances"][0]["attributes"]
                return attrs
        raise KeyError(name)
