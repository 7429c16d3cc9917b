"""The floor: N `null_resource`s through the generated binding from PyPI `cdktf-cdktf-provider-null`,
each carrying the same two values (as `triggers`)."""

from __future__ import annotations

import sys

import cdktf
from cdktf_cdktf_provider_null.provider import NullProvider
from cdktf_cdktf_provider_null.resource import Resource
from common import setting


def main(count: int, outdir: str) -> None:
    app = cdktf.App(outdir=outdir)
    stack = cdktf.TerraformStack(app, "bench")
    NullProvider(stack, "null")
    for i in range(count):
        Resource(stack, f"s{i}", triggers=setting(i))
    app.synth()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
