"""Regenerate the binding assemblies: `cdktf get` and `cdktn get` (offline, against the provider
installed into a fresh local mirror) in temporary projects; their `_jsii/*.tgz` replace ours."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from constructs_lib._bindings import ENGINES, tarball
from constructs_lib._bindings.generate import ROOT, generate


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
