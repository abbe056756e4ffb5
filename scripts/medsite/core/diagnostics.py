"""The one diagnostic type that every step of the build reports with.

Like ruff or lychee: a frozen record that says where (path, line, column),
what (a stable code), how bad (severity) and how to fix it (hint). Checks only
yield these; printing and exit codes belong to the command-line entry points.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, replace

from medsite.core.urls import linked_anchor, linked_page


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """A place in a file: where a problem is, or the source line it came from. Printed `docs/x.md:19:4`."""

    path: str  # relative to the project root
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column}

    @classmethod
    def from_dict(cls, data) -> Location | None:
        """The Location to_dict wrote, or None for anything else (a file from another version, say)."""
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            return None
        line, column = data.get("line"), data.get("column")
        return cls(data["path"], line if isinstance(line, int) else None, column if isinstance(column, int) else None)


# Codes whose producers name the same target in different words: MkDocs' log names a link as the
# editor wrote it (`what-is-ms.md#part`, `this-page.md#part`), the gate as MkDocs rewrote it in the
# page (`../what-is-ms/#part`, `./#part`). For these, one code, one source line and what identifies
# the target (the missing page's name, the missing anchor) is one mistake, whatever the message says.
SAME_TARGET = {"LNK001": linked_page, "LNK002": linked_anchor, "IMG001": linked_page}
# A gate code that is a more telling name for a code of MkDocs' log: a missing image is, to MkDocs,
# a link whose target is not found (LNK001). Merged, the report keeps the gate's code and words.
MORE_TELLING = {"IMG001": "LNK001"}


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
    source: Location | None = None  # the Markdown line an HTML fault comes from

    @property
    def location(self) -> Location:
        """Where the problem is."""
        return Location(self.path, self.line, self.column)

    @property
    def where_to_edit(self) -> Location:
        """The line an editor changes: the source line when the fault is in built HTML."""
        return self.source or self.location

    def key(self) -> tuple:
        """Equal for two reports of one mistake (MkDocs' log and the gate on the same broken link, say).

        One code at one source line: for SAME_TARGET codes the same target is enough, however
        each producer words it; for every other code the message and column must match too.
        """
        where = self.where_to_edit
        code = MORE_TELLING.get(self.code, self.code)
        same_target = SAME_TARGET.get(self.code)
        if same_target and self.target:
            return (code, where.path, where.line, same_target(self.target))
        return (code, where.path, where.line, where.column, self.target, self.message)

    def sort_key(self) -> tuple:
        """By the line an editor changes, so that a page's problems in its source and in its built HTML sit together."""
        where = self.where_to_edit
        return (where.path, where.line or 0, where.column or 0, self.code, self.message, self.path)

    def text(self) -> str:
        """`docs/x.md:3: CODE message (in site/x/index.html); fix: hint`: the source line first, where an editor edits;
        the built page after it, when the fault was found there."""
        out = f"{self.where_to_edit}: {self.code} {self.message}"
        if self.source:
            out += f" (in {self.location})"
        if self.severity is Severity.WARNING:
            out += " [warning]"
        if self.hint:
            out += f"; fix: {self.hint}"
        return out

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["severity"] = self.severity.value
        data["source"] = self.source.to_dict() if self.source else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic | None:
        """The Diagnostic to_dict wrote (e.g. the gate's --json-file), or None if `data` is not one."""
        if not (isinstance(data, dict) and isinstance(data.get("code"), str) and isinstance(data.get("path"), str)):
            return None
        try:
            severity = Severity(data.get("severity", "error"))
        except ValueError:
            return None
        plain = {k: data.get(k) for k in ("code", "message", "path", "line", "column", "target", "hint")}
        return cls(**plain, severity=severity, source=Location.from_dict(data.get("source")))


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


def merge(diagnostics) -> list[Diagnostic]:
    """One report per mistake: diagnostics with the same key() become one, in first-seen order.

    The one kept is located at the source line itself if any is (MkDocs' `docs/x.md:19: LNK001 ...`
    rather than the gate's `site/x/index.html: ... (from docs/x.md:19)`), in the words of the more
    telling code (MORE_TELLING); it takes a fix from the others if it has none, and is an error if
    any of them is.
    """
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault(d.key(), []).append(d)
    return [_one_of(same) if len(same) > 1 else same[0] for same in groups.values()]


def _one_of(same: list[Diagnostic]) -> Diagnostic:
    at_source = next((d for d in same if d.source is None), same[0])
    kept = next((d for d in same if d.code in MORE_TELLING), at_source)
    if kept is not at_source:
        kept = replace(kept, path=at_source.path, line=at_source.line, column=at_source.column, source=at_source.source)
    hint = kept.hint or next((d.hint for d in same if d.hint), None)
    severity = Severity.ERROR if any(d.severity is Severity.ERROR for d in same) else kept.severity
    return replace(kept, hint=hint, severity=severity)


def has_errors(diagnostics, *, warnings_fatal: bool = False) -> bool:
    return any(d.severity is Severity.ERROR or warnings_fatal for d in diagnostics)
