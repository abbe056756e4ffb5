"""The one diagnostic type that every step of the build reports with.

Like ruff or lychee: a frozen record that says where (path, line, column),
what (a stable code), how bad (severity) and how to fix it (hint). Checks only
yield these; printing and exit codes belong to the command-line entry points.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=False)
class Diagnostic:
    code: str
    message: str
    path: str  # relative to the project root, e.g. "docs/what-is-ms.md" or "site/index.html"
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    severity: Severity = Severity.ERROR
    target: str | None = None  # the offending link, key, word...
    hint: str | None = None  # how to fix it
    source: str | None = None  # "docs/x.md:17" when an HTML fault comes from a Markdown line

    @property
    def location(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def text(self) -> str:
        """`path:line:col: CODE message (from docs/x.md:3); fix: hint`."""
        out = f"{self.location}: {self.code} {self.message}"
        if self.source:
            out += f" (from {self.source})"
        if self.severity is Severity.WARNING:
            out += " [warning]"
        if self.hint:
            out += f"; fix: {self.hint}"
        return out

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


class DiagnosticError(Exception):
    """Raised where work cannot go on (a bibliography that does not parse, say).

    Carries diagnostics so that entry points print them the usual way instead
    of a traceback.
    """

    def __init__(self, *diagnostics: Diagnostic):
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.text() for d in diagnostics))


def sort_diagnostics(diagnostics) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def has_errors(diagnostics, *, warnings_fatal: bool = False) -> bool:
    return any(d.severity is Severity.ERROR or warnings_fatal for d in diagnostics)
