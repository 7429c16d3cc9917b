"""Release zips and their `SHA256SUMS`: the names Terraform expects and bytes that depend only on
the files packed (sorted entries, one fixed timestamp, normalised modes), so two builds whose files
are equal give zips with equal hashes.

A zip is `terraform-provider-intune_<version>_<os>_<arch>.zip`; Terraform unpacks it and runs the
file named `terraform-provider-intune_…` inside (the files beside it come along)."""

from __future__ import annotations

import hashlib
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from intune_model.address import PROVIDER_TYPE

PREFIX = f"terraform-provider-{PROVIDER_TYPE}"
ZIP_PATTERN = re.compile(
    rf"^{re.escape(PREFIX)}_(?P<version>[0-9][0-9A-Za-z.+-]*)_(?P<os>[a-z0-9]+)_(?P<arch>[a-z0-9]+)\.zip$"
)
# The earliest time a zip entry can hold; used when SOURCE_DATE_EPOCH is not set.
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z


@dataclass(frozen=True)
class Archive:
    """One platform's zip in a site directory."""

    version: str
    os: str
    arch: str
    path: Path
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def platform(self) -> str:
        """Terraform's name for the platform, e.g. `linux_amd64`."""
        return f"{self.os}_{self.arch}"


def zip_name(version: str, platform: str) -> str:
    return f"{PREFIX}_{version}_{platform}.zip"


def sums_name(version: str) -> str:
    return f"{PREFIX}_{version}_SHA256SUMS"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def zip_epoch() -> int:
    """Entry timestamps: `SOURCE_DATE_EPOCH` if set (the reproducible-builds convention), else 1980."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return max(int(value), ZIP_EPOCH) if value.isdigit() else ZIP_EPOCH


def write_zip(bundle: Path, target: Path, epoch: int | None = None) -> Path:
    """Pack every file under `bundle` into `target`: paths relative to `bundle`, sorted; symbolic
    links stored as the files they point to (Terraform's unzip makes no links); mode 755 for
    anything executable, else 644. Written beside `target` and renamed, so a reader never sees half."""
    stamp = time.gmtime(zip_epoch() if epoch is None else epoch)[:6]
    files = sorted(
        (path.relative_to(bundle).as_posix(), path) for path in bundle.rglob("*") if path.is_file()
    )
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix: Terraform keeps the mode bits from `external_attr`
            mode = 0o755 if os.stat(path).st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as source, archive.open(info, "w") as sink:
                for block in iter(lambda: source.read(1 << 20), b""):
                    sink.write(block)
    os.replace(partial, target)
    return target


def find_archives(directory: Path) -> list[Archive]:
    """The release zips in `directory` (any version, any platform), sorted by name."""
    found = []
    for path in sorted(directory.glob(f"{PREFIX}_*.zip")):
        match = ZIP_PATTERN.match(path.name)
        if match:
            found.append(
                Archive(match["version"], match["os"], match["arch"], path.resolve(), sha256_file(path))
            )
    return found


def sha256sums(archives: list[Archive]) -> str:
    """The `SHA256SUMS` document for one version's zips (`<hex>  <filename>` lines, sorted)."""
    return "".join(f"{a.sha256}  {a.filename}\n" for a in sorted(archives, key=lambda a: a.filename))
