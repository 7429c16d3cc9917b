"""A cdktf app of N tenant stacks, two settings each: `ours` (an `IntuneProvider` for the tenant and
two `DerivedCredentialSettings`), `minimal` (the minimal `tf` provider of bench/minimal_provider.py
and two `minimal_echo` with the same values: a Python plugin that does no work) or `terraform_data`
(two `terraform_data` holding the same values: Terraform alone).

    python tenant_stacks.py KIND COUNT TENANT_ID...   # the cdktf CLI sets CDKTF_OUTDIR
"""

from __future__ import annotations

import sys

import cdktf
from common import setting

from constructs_lib import DerivedCredentialSettings, IntuneProvider

MINIMAL_SOURCE = "terraform.local/bench/minimal"


def main(kind: str, count: int, tenants: list[str]) -> None:
    app = cdktf.App()
    for n in range(count):
        stack = cdktf.TerraformStack(app, f"tenant-{n}")
        if kind == "ours":
            IntuneProvider(
                stack, "intune", tenant_id=tenants[n], write_limit=1_000_000, write_window_seconds=1
            )
            for i in range(2):
                DerivedCredentialSettings(stack, f"s{i}", **setting(n * 2 + i))
        elif kind == "minimal":
            stack.add_override(
                "terraform.required_providers.minimal", {"source": MINIMAL_SOURCE, "version": "0.1.0"}
            )
            stack.add_override("provider.minimal", [{}])
            for i in range(2):
                stack.add_override(f"resource.minimal_echo.s{i}", setting(n * 2 + i))
        else:
            for i in range(2):
                stack.add_override(f"resource.terraform_data.s{i}.input", setting(n * 2 + i))
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
