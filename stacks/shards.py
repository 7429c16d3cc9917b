"""Split an estate's stacks into shards, one per CI runner (or HCP Terraform workspace set).

    python -m stacks list --shard 3/8     # the stacks of shard 3 of 8, one name a line
    INTUNE_STACKS_SHARD=3/8 cdktf deploy  # synthesize (and so deploy) only shard 3 of 8

The rule is rendezvous (highest-random-weight) hashing of the stack name: a stack belongs to the
shard `i` (1..N) whose SHA-256 of ``"<i>:<stack name>"`` is largest. So, precisely:

- a stack's shard depends only on its own name and N, never on the other stacks or the file order:
  adding or removing a stack (a tenant) moves no other stack;
- every stack is in exactly one shard, so the N shards together are the estate, none twice;
- going from N to N+1 shards moves only the stacks that shard N+1 wins (about 1 in N+1), and
  each of them into the new shard; going back moves them back. (A plain hash modulo N would move
  most stacks whenever N changes.)

A move only changes which runner deploys a stack: state is keyed by the stack (`{stack}` in the
backend's key or workspace name), not by the shard, so it follows the stack wherever it runs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from intune_model.errors import IntuneError

SHARD_ENV = "INTUNE_STACKS_SHARD"
MAX_SHARDS = 256  # GitHub Actions runs at most 256 jobs per matrix
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

T = TypeVar("T")


class ShardError(IntuneError, ValueError):
    """A shard written wrongly; the message shows the form and the allowed range."""

    exit_code = 2


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based, as written: ``3/8``)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ShardError(f"shard count {self.count} is out of range: use 1 to {MAX_SHARDS}")
        if not 1 <= self.index <= self.count:
            raise ShardError(f"shard {self.index}/{self.count}: the index must be 1 to {self.count}")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, name: str) -> bool:
        """True when stack `name` belongs to this shard."""
        return shard_of(name, self.count) == self.index

    def select(self, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
        """The items (stacks, in their order) whose `name(item)` belongs to this shard."""
        return [item for item in items if self.holds(name(item))]


def parse_shard(text: str) -> Shard:
    """``"3/8"`` -> Shard(3, 8); ShardError naming the form for anything else."""
    match = _SPEC.match(text)
    if not match:
        raise ShardError(
            f"shard {text!r} is not valid: write INDEX/COUNT, e.g. 3/8 (shard 3 of 8; index 1 to COUNT)"
        )
    return Shard(int(match.group(1)), int(match.group(2)))


def _weight(index: int, name: str) -> bytes:
    return hashlib.sha256(f"{index}:{name}".encode()).digest()


def shard_of(name: str, count: int) -> int:
    """The shard (1..count) stack `name` belongs to: the index with the highest weight."""
    if count < 1:
        raise ShardError(f"shard count {count} is out of range: use 1 to {MAX_SHARDS}")
    return max(range(1, count + 1), key=lambda index: _weight(index, name))


def split(names: Sequence[str], count: int) -> list[list[str]]:
    """Every shard's stack names (shard 1 first), each in the given order."""
    shards: list[list[str]] = [[] for _ in range(count)]
    for name in names:
        shards[shard_of(name, count) - 1].append(name)
    return shards
