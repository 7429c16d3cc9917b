"""No CDKTF: the same `cdk.tf.json` content written with `json.dump` (what synthesis cannot beat)."""

from __future__ import annotations

import json
import os
import sys

from common import setting

SOURCE = "terraform.local/intune/intune"


def main(count: int, outdir: str) -> None:
    resources = {f"s{i}": setting(i) for i in range(count)}
    doc = {
        "terraform": {"required_providers": {"intune": {"source": SOURCE, "version": "0.1.0"}}},
        "provider": {"intune": [{}]},
        "resource": {"intune_derived_credential": resources},
    }
    stack_dir = os.path.join(outdir, "stacks", "bench")
    os.makedirs(stack_dir, exist_ok=True)
    with open(os.path.join(stack_dir, "cdk.tf.json"), "w") as fh:
        json.dump(doc, fh, indent=2)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
