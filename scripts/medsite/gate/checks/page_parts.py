"""A page's parts as editors mark them: sections by heading id, callouts by admonition type.

Read from the page's prose lines (code blanked, medsite.markdown.structure), so a heading in a code
block is not a part. Shared by the completeness, risk-rate and in-page reference checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.extensions.toc import slugify

from medsite.markdown.structure import HEADING

# An admonition or details line: its types (classes) before an optional quoted title.
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)[ \t]*((?:[\w-]+[ \t]*)+)(?:"[^"]*")?\s*$')
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])[ \t]+\S")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


@dataclass(frozen=True)
class Section:
    id: str
    level: int
    line: int  # the heading's line
    end: int  # the last line of the section (before the next heading of the same or a higher level)


def sections(page) -> list[Section]:
    """Every heading's section, in page order; a section holds its subsections."""
    cache = page.__dict__.setdefault("_page_parts", {})
    if "sections" not in cache:
        lines = list(page.prose_lines())
        last = lines[-1][0] if lines else 0
        heads = []
        for line_no, text in lines:
            m = HEADING.match(text)
            if m:
                heads.append((line_no, len(m.group(1)), m.group(3) or slugify(m.group(2), "-")))
        found = []
        for n, (line_no, level, section_id) in enumerate(heads):
            end = next((later - 1 for later, lvl, _ in heads[n + 1:] if lvl <= level), last)
            found.append(Section(section_id, level, line_no, end))
        cache["sections"] = found
    return cache["sections"]


def admonition_types(page) -> dict[str, int]:
    """Each admonition type on the page, with the line of its first use."""
    found: dict[str, int] = {}
    for line_no, text in page.prose_lines():
        m = ADMONITION.match(text)
        if m:
            for kind in m.group(1).split():
                found.setdefault(kind, line_no)
    return found


def section(page, section_id: str) -> Section | None:
    return next((s for s in sections(page) if s.id == section_id), None)


def lines_of(page, part: Section) -> list[tuple[int, str]]:
    """The prose lines of a section, its heading excluded."""
    return [(n, t) for n, t in page.prose_lines() if part.line < n <= part.end]
