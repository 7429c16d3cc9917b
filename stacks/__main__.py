"""`python -m stacks`: synthesize every configured stack (what `cdktf synth` runs), or list them.

    python -m stacks                      # synthesize (cdktf.json's "app")
    python -m stacks list                 # every stack name, one a line
    python -m stacks list --shard 3/8     # only shard 3 of 8 (see stacks.shards)

`INTUNE_STACKS_CONFIG` names the configuration file (default stacks/settings.json);
`INTUNE_STACKS_SHARD=3/8` makes the synthesis (so `cdktf deploy '*'`) hold only that shard's stacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from intune_model.errors import IntuneError
from stacks.config import AppConfig, load_config
from stacks.shards import SHARD_ENV, Shard, parse_shard

CONFIG_ENV = "INTUNE_STACKS_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "settings.json"


def _config(shard: Shard | None) -> AppConfig:
    config = load_config(Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG))
    if shard is None:
        return config
    return AppConfig(stacks=tuple(shard.select(config.stacks, lambda s: s.name)), source=config.source)


def _env_shard() -> Shard | None:
    text = os.environ.get(SHARD_ENV, "").strip()
    return parse_shard(text) if text else None


def synth() -> None:
    import cdktf  # only the synthesis needs CDKTF (and its Node process)

    from stacks.tenant_stack import build_app

    config = _config(_env_shard())
    app = cdktf.App()
    build_app(app, config)
    app.synth()


def list_stacks(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m stacks list", description="Print stack names.")
    parser.add_argument("--shard", help="INDEX/COUNT, e.g. 3/8: only that shard's stacks")
    args = parser.parse_args(argv)
    shard = parse_shard(args.shard) if args.shard else _env_shard()
    for stack in _config(shard).stacks:
        print(stack.name)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args:
            synth()
        elif args[0] == "list":
            list_stacks(args[1:])
        else:
            print(f"usage: python -m stacks [list [--shard INDEX/COUNT]] (got {args[0]!r})", file=sys.stderr)
            return 64
    except IntuneError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
