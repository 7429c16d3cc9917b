"""Regenerate the binding assemblies: `cdktf get` and `cdktn get` (offline, against the provider
installed into a fresh local mirror) in temporary projects; their `_jsii/*.tgz` replace ours."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from constructs_lib._bindings import ENGINES, tarball
from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"


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
    subprocess.run([str(BIN / engine), "get"], cwd=project, env=env, check=True)
    return project / "imports" / PROVIDER_TYPE / "_jsii" / tarball(engine).name


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        installer = Path(sys.executable).with_name("intune-provider")
        out = subprocess.run(
            [str(installer), "install", "--dir", str(work / "tf")], check=True, capture_output=True, text=True
        )
        cli_config = Path(out.stdout.strip().splitlines()[-1])
        for engine in ENGINES:
            shutil.copy(generate(engine, work, cli_config), tarball(engine))
            print(f"{tarball(engine).relative_to(ROOT)} regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
