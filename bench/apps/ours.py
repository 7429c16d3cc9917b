"""N `DerivedCredentialSettings` in one stack, synthesized with the construct library (on whichever
engine the running Python has: cdktf, or cdktn in `.venv-cdktn`)."""

from __future__ import annotations

import sys

from common import setting

from constructs_lib import DerivedCredentialSettings, IntuneProvider
from constructs_lib.engine import cdk as cdktf


def main(count: int, outdir: str) -> None:
    app = cdktf.App(outdir=outdir)
    stack = cdktf.TerraformStack(app, "bench")
    IntuneProvider(stack, "intune")
    for i in range(count):
        DerivedCredentialSettings(stack, f"s{i}", **setting(i))
    app.synth()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
