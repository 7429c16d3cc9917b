"""`intune-provider`: set-up commands for people and pipelines (not the plugin itself)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="intune-provider", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser(
        "install",
        help="write a filesystem mirror with this provider and a Terraform CLI config (no network)",
    )
    install.add_argument("--dir", required=True, type=Path, help="where to write the mirror and terraform.rc")
    sub.add_parser("version", help="print the provider source and version")
    args = parser.parse_args(argv)

    if args.command == "version":
        print(f"{PROVIDER_SOURCE} {PROVIDER_VERSION}")
        return 0
    from terraform_provider_intune.mirror import install as do_install

    rc = do_install(args.dir)
    print(f"Installed {PROVIDER_SOURCE} {PROVIDER_VERSION} into {rc.parent / 'mirror'}", file=sys.stderr)
    print(f"Use it with: export TF_CLI_CONFIG_FILE={rc}", file=sys.stderr)
    print(rc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
