"""The exceptions written in pages: `<!-- gate-ignore CODE: reason -->`, read the same way by the gate and the References page.

The gate applies them (medsite.gate.suppress); the References page lists every one, so a reader can see
where the site's own checks were overridden and why. An exception to an evidence rule about numbers and
their sources (every EVID code but EVID001) must name the clinical reviewer who agreed, at the end of its
reason: `<!-- gate-ignore EVID003: the relative risk is the cohort's own figure; reviewed by Dr A. Name -->`.
EVID001 is the exception: a word to avoid stays on the page, in front of the reader, while a number
excused from its check hides what the reader cannot see (whether the cited work supports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medsite.markdown import structure

COMMENT = re.compile(r"<!--\s*gate-ignore\s+([A-Z]+\d{3})\s*(?::\s*(.*?))?\s*-->")
# "reviewed by NAME" closing the reason, after a semicolon, comma or dash ("...; reviewed by Dr Ada Real").
REVIEWED_BY = re.compile(r"(?:^|[;,—–]|\s-)\s*reviewed by\s+(?P<name>[^;,—–]*?)\s*\.?$", re.I)
NEEDS_REVIEWER = re.compile(r"EVID(?!001)\d{3}$")


@dataclass(frozen=True)
class Suppression:
    """A `<!-- gate-ignore CODE: reason -->` comment in a page: which code it silences, where, and why."""

    path: str  # project-relative file
    line: int
    code: str
    reason: str  # as written, "" when missing

    @property
    def reviewer(self) -> str:
        """The name after "reviewed by" at the end of the reason, or ""."""
        m = REVIEWED_BY.search(self.reason)
        return m.group("name").strip() if m else ""

    @property
    def needs_reviewer(self) -> bool:
        return bool(NEEDS_REVIEWER.match(self.code))


def in_lines(path: str, lines) -> list[Suppression]:
    """The comments in (line number, text) pairs, such as a page's prose lines."""
    return [
        Suppression(path, line_no, m.group(1), (m.group(2) or "").strip())
        for line_no, text in lines
        for m in COMMENT.finditer(text)
    ]


def find(path: str, body: str, first_line: int = 1) -> list[Suppression]:
    """The comments in a page body outside code (a comment shown as an example is not one)."""
    if "gate-ignore" not in body:  # most pages: no need to find their code
        return []
    lines = structure.blank_code(body).splitlines()
    in_code = structure.code_lines(body.splitlines())
    return in_lines(
        path, ((first_line + i, line) for i, (line, code) in enumerate(zip(lines, in_code, strict=False)) if not code)
    )
