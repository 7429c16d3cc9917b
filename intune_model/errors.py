"""The project's one exception root, free of any dependency so every layer can raise it.

Every failure a user may see is an `IntuneError`: a one-line summary, a detail, and the attribute
(Terraform name) it concerns when one applies. The provider adapter turns it into diagnostics, the
command-line tools into one message on stderr and a non-zero exit code (`exit_code`).
"""

from __future__ import annotations

Diagnostic = tuple[str, str, str | None]  # (summary, detail, attribute)


class IntuneError(Exception):
    """A failure to show the user as it is: no traceback, one message, the attribute if any."""

    exit_code = 1

    def __init__(self, summary: str, detail: str = "", attribute: str | None = None):
        super().__init__(summary)
        self._diagnostic: Diagnostic = (summary, detail, attribute)

    def diagnostics(self) -> list[Diagnostic]:
        """One entry per problem, for Terraform's diagnostics."""
        return [self._diagnostic]

    def lines(self) -> list[str]:
        """What a command-line tool prints after `error: ` (one entry per problem)."""
        return [s + (f"\n{d}" if d else "") for s, d, _ in self.diagnostics()]


class ProblemsError(IntuneError, ValueError):
    """Several input problems at once, each a (name, message) pair naming what is wrong."""

    exit_code = 2

    def __init__(
        self, problems: list[tuple[str, str]], text: str, summary_prefix: str, *, with_path: bool = True
    ):
        self.problems = problems
        self._prefix = summary_prefix
        self._with_path = with_path
        super().__init__(text)

    def diagnostics(self) -> list[Diagnostic]:
        return [
            (f"{self._prefix}{name}", message, name if self._with_path else None)
            for name, message in self.problems
        ]

    def lines(self) -> list[str]:
        return [f"{name}: {message}" for name, message in self.problems]


class MessageError(IntuneError):
    """An error carrying one message; its diagnostic has the class's fixed `SUMMARY`."""

    SUMMARY = "Failed"

    def __init__(self, message: str):
        super().__init__(message)

    def diagnostics(self) -> list[Diagnostic]:
        return [(self.SUMMARY, str(self), None)]

    def lines(self) -> list[str]:
        return [f"{self.SUMMARY[0].lower()}{self.SUMMARY[1:]}: {self}"]


class SettingsInvalid(ProblemsError):
    """Every problem in one resource input at once; each names the field and what is allowed."""

    def __init__(self, problems: list[tuple[str, str]], subject: str):
        self.subject = subject
        lines = "\n".join(f"  - {field}: {message}" for field, message in problems)
        super().__init__(problems, f"invalid {subject}:\n{lines}", "Invalid value for ")


class UnexpectedBody(ProblemsError):
    """A Graph answer the model cannot read (wrapped differently, no `id`, a required property
    missing, a value of the wrong JSON type). The Graph client re-raises it with the request ids
    (`intune_graph.errors.UnexpectedResponse`): state never receives a silent null."""

    def __init__(self, problems: list[tuple[str, str]], subject: str):
        self.subject = subject
        text = "; ".join(f"{name}: {message}" for name, message in problems)
        super().__init__(problems, f"unexpected {subject} body: {text}", "Unexpected Graph property ")
