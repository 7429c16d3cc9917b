"""A progress bar on stderr for long listings, with no dependency: a bar when the total is known, a
running count when it is not. On a terminal a person watches it redraws one line; elsewhere (a pipe,
a log file, a CI job even where it gives its steps a terminal (`CI` set), or `TERM=dumb`) it writes
plain lines, at most one every `log_every` items, with no escape codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TextIO


class Progress:
    """Example::

    progress = Progress("reading", total=250)
    for page in pages:
        progress.advance(len(page))
    progress.done("read 250 settings")
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        stream: TextIO | None = None,
        width: int = 30,
        env: Mapping[str, str] | None = None,
    ):
        self.label = label
        self.total = total
        self.count = 0
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = redraws(self.stream, os.environ if env is None else env)
        self.log_every = 500
        self._last_logged = 0

    def render(self) -> str:
        """The current line, e.g. ``reading [###############---------------]  25/50``."""
        if self.total:
            filled = min(self.width, self.width * self.count // self.total)
            bar = "#" * filled + "-" * (self.width - filled)
            digits = len(str(self.total))
            return f"{self.label} [{bar}] {self.count:>{digits}}/{self.total}"
        return f"{self.label} {self.count}"

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.render())
            self.stream.flush()
        elif self.count - self._last_logged >= self.log_every:
            self._last_logged = self.count
            self.stream.write(self.render() + "\n")

    def done(self, message: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K")
        self.stream.write(message + "\n")
        self.stream.flush()


def redraws(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Whether a person watches `stream` in a terminal that understands line erases."""
    if env.get("CI") or env.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())
