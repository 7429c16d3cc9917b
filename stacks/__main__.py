"""`python -m stacks`: synthesize every configured stack (what `cdktf synth` runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cdktf

from intune_model.errors import IntuneError
from stacks.config import load_config
from stacks.tenant_stack import build_app

CONFIG_ENV = "INTUNE_STACKS_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "settings.json"


def main() -> int:
    path = Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    try:
        config = load_config(path)
        app = cdktf.App()
        build_app(app, config)
        app.synth()
    except IntuneError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
