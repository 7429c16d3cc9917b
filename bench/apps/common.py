"""The inputs every synth app writes: N settings with the same values whichever way they are built."""

from __future__ import annotations

ISSUERS = ("intercede", "entrustDatacard", "purebred", "xTec")


def setting(i: int) -> dict[str, str]:
    return {"display_name": f"Derived credentials {i}", "issuer": ISSUERS[i % len(ISSUERS)]}
