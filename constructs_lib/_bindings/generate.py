"""Generating the binding for this provider with an engine's own `get` command."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
TARBALL = "intune@0.0.0.jsii.tgz"


def generate(engine: str, work: Path, cli_config: Path) -> Path:
    """Run `<engine> get` for this provider in a new project under `work`; the assembly it wrote."""
    project = work / engine
    project.mkdir()
    cfg = {
        "language": "python",
        "app": "true",
        "terraformProviders": [f"{PROVIDER_SOURCE}@{PROVIDER_VERSION}"],
        "codeMakerOutput": "imports",
        "sendCrashReports": "false",
    }
    (project / "cdktf.json").write_text(json.dumps(cfg))
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CI": "1",
    }
    if engine == "cdktn":  # cdktn-cli needs the Node >= 22.19 that package.json pins
        env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    proc = subprocess.run([str(BIN / engine), "get"], cwd=project, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} get exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return project / "imports" / PROVIDER_TYPE / "_jsii" / TARBALL
