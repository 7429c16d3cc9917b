"""`terraform-provider-intune`: the executable Terraform launches (plugin protocol 6)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from terraform_provider_intune.tf_adapter import IntuneProvider, serve

    serve(IntuneProvider(), argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
