"""`terraform-provider-intune`: the executable Terraform launches (plugin protocol 6)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from terraform_provider_intune.plugin.provider import IntuneProvider
    from terraform_provider_intune.plugin.server import serve

    serve(IntuneProvider(), argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
