"""Regenerate the binding assemblies: `cdktf get` and `cdktn get` (offline, against the provider
installed into a fresh local mirror) in temporary projects; their `_jsii/*.tgz` replace ours.

With ``--out DIR`` the product's assemblies are left alone: the one of ``--engine`` (default: the
engine installed) is written into DIR as an importable package, for a spec registered from outside
the product (run with `INTUNE_EXTRA_SPECS` set, then name DIR's package in
`INTUNE_CONSTRUCTS_BINDING`)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from constructs_lib._bindings import ENGINES, TARBALL, tarball
from constructs_lib._bindings.generate import ROOT, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m constructs_lib._bindings")
    parser.add_argument("--out", type=Path, help="write one assembly into this package directory")
    parser.add_argument(
        "--engine", choices=ENGINES, help="with --out: the engine (default: the installed one)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        installer = Path(sys.executable).with_name("intune-provider")
        out = subprocess.run(
            [str(installer), "install", "--dir", str(work / "tf")], check=True, capture_output=True, text=True
        )
        cli_config = Path(out.stdout.strip().splitlines()[-1])
        if args.out is not None:
            from constructs_lib.engine import NAME

            jsii_dir = args.out / "_jsii"  # where jsii looks: <package>._jsii
            jsii_dir.mkdir(parents=True, exist_ok=True)
            for package in (args.out, jsii_dir):
                (package / "__init__.py").write_text('"""A build of the constructs\' binding assembly."""\n')
            shutil.copy(generate(args.engine or NAME, work, cli_config), jsii_dir / TARBALL)
            print(f"{jsii_dir / TARBALL} written")
            return 0
        for engine in ENGINES:
            shutil.copy(generate(engine, work, cli_config), tarball(engine))
            print(f"{tarball(engine).relative_to(ROOT)} regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
