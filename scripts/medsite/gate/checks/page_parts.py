"""A page's parts as editors mark them: sections by heading id, callouts by admonition type.

Read from the page's prose lines (code blanked, medsite.markdown.structure), so a heading in a code
block is not a part. Shared by the completeness, risk-rate and in-page reference checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.extensions.toc import slugify

from medsite.markdown.structure import HEADING

# An admonition or details line: its types (classes) before an optional quoted title (see admonition_kinds).
ADMONITION = re.compile(r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*([^"\n]*)(?:"[^"\n]*")?[ \t]*$')
_KIND = re.compile(r"^[\w-]+$")
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
        ends = [last] * len(heads)
        open_heads: list[int] = []  # headings whose section has not ended yet: one pass, linear in the headings
        for n, (line_no, level, _) in enumerate(heads):
            while open_heads and heads[open_heads[-1]][1] >= level:
                ends[open_heads.pop()] = line_no - 1
            open_heads.append(n)
        cache["sections"] = [Section(i, lvl, line_no, end) for (line_no, lvl, i), end in zip(heads, ends, strict=True)]
    return cache["sections"]


def admonition_types(page) -> dict[str, int]:
    """Each admonition type on the page, with the line of its first use."""
    found: dict[str, int] = {}
    for line_no, text in page.prose_lines():
        for kind in admonition_kinds(text):
            found.setdefault(kind, line_no)
    return found


def admonition_kinds(text: str) -> list[str]:
    """The types of an admonition line ("!!! note key-messages "Title"" -> note, key-messages); [] for other lines."""
    m = ADMONITION.match(text)
    kinds = m.group(1).split() if m else []
    return kinds if kinds and all(_KIND.match(k) for k in kinds) else []


def section(page, section_id: str) -> Section | None:
    return next((s for s in sections(page) if s.id == section_id), None)


def lines_of(page, part: Section) -> list[tuple[int, str]]:
    """The prose lines of a section, its heading excluded."""
    return [(n, t) for n, t in page.prose_lines() if part.line < n <= part.end]
