"""`python -m stacks`: synthesize every configured stack (what `cdktf synth` runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cdktf

from stacks.config import ConfigError, load_config
from stacks.tenant_stack import build_app

CONFIG_ENV = "INTUNE_STACKS_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "settings.json"


def main() -> int:
    path = Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = cdktf.App()
    build_app(app, config)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
