"""Signing `SHA256SUMS` with GnuPG (the `gpg` command from the system's packages; the key from the
keyring in `GNUPGHOME`, or `~/.gnupg`). Terraform checks the detached binary signature against the
public key the registry protocol serves, and prints the key id it checked."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from intune_model.errors import IntuneError

OPTION = "--gpg-key"


@dataclass(frozen=True)
class SigningKey:
    """What the registry protocol publishes of the key: its long id and ASCII-armoured public key."""

    requested: str
    key_id: str
    ascii_armor: str


def _gpg() -> str:
    gpg = shutil.which("gpg")
    if gpg is None:
        raise IntuneError(
            f"{OPTION}: the gpg command is not on PATH",
            "Install GnuPG (Debian/Ubuntu: apt-get install gnupg; macOS: brew install gnupg).",
        )
    return gpg


def _run(args: list[str], what: str) -> str:
    proc = subprocess.run([_gpg(), "--batch", *args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise IntuneError(f"{OPTION}: gpg could not {what}", detail)
    return proc.stdout


def signing_key(key: str) -> SigningKey:
    """Look the key up in the keyring: its secret part must be there (to sign) and it must be unique."""
    listing = _run(["--with-colons", "--list-secret-keys", "--", key], f"find a secret key {key!r}")
    ids = [line.split(":")[4] for line in listing.splitlines() if line.startswith("sec:")]
    if len(ids) != 1:
        raise IntuneError(
            f"{OPTION}: {key!r} names {len(ids)} secret keys",
            "Give the key id or fingerprint of exactly one key (gpg --list-secret-keys).",
        )
    armor = _run(["--armor", "--export", "--", ids[0]], f"export the public key of {key!r}")
    if "BEGIN PGP PUBLIC KEY BLOCK" not in armor:
        raise IntuneError(f"{OPTION}: gpg exported no public key for {key!r}")
    return SigningKey(key, ids[0].upper(), armor)


def sign(key: SigningKey, document: Path) -> Path:
    """Write `<document>.sig`, a detached binary signature made with `key`."""
    signature = document.with_name(document.name + ".sig")
    _run(
        [
            "--yes",
            "--local-user",
            key.key_id,  # gpg picks its signing (sub)key; the exported public key holds both
            "--output",
            str(signature),
            "--detach-sign",
            "--",
            str(document),
        ],
        f"sign {document.name} with {key.requested!r}",
    )
    return signature
