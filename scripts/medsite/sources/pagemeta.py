"""What a page's front matter means: page types, review rules and the values templates show.

The gate and the templates read front matter through this one module, so the
visible byline, the JSON-LD and the checks cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Page type -> longest allowed review interval, in months (editorial policy, docs/about/editorial-policy.md#review: 12 for
# treatment and stem-cell pages, 3 years for the rest).
REVIEW_MONTHS = {
    "condition": 36,
    "treatment": 12,
    "clinic": 12,
    "guide": 12,
    "about": 36,
    "policy": 36,
}
# Folders whose pages are reviewed at least every 12 months, whatever their type (editorial policy, #review).
YEARLY_FOLDERS = frozenset({"stem-cells"})


def review_months(page_type: str, uri: str) -> int | None:
    """The longest review interval for a page of this type at this docs-relative path; None for an unknown type."""
    months = REVIEW_MONTHS.get(page_type)
    if months is None:
        return None
    return min(months, 12) if uri.split("/", 1)[0] in YEARLY_FOLDERS else months


# Types that carry the treatment disclaimer and must have the treatment sections.
TREATMENT_TYPES = {"treatment", "clinic", "guide"}
TREATMENT_DISCLAIMER = "treatment-disclaimer.md"  # the include the build puts above their text
REQUIRED_SECTIONS = {
    "treatment": ["regulatory-status", "evidence", "risks", "alternatives", "questions"],
    "clinic": ["regulatory-status", "evidence", "risks", "alternatives", "questions", "cost"],
}
REQUIRED_FIELDS = ["title", "description", "page_type", "last_reviewed", "next_review_due", "reviewed_by", "sources"]
# Front matter is plain data. MkDocs and Material act on other keys (`template` picks the
# template that renders the page, and Material's redirect template prints `location` into
# an inline script), so a key not listed here is refused rather than passed to them.
KNOWN_FIELDS = frozenset(REQUIRED_FIELDS) | {"changes"}  # changes: optional (medsite.sources.changenotes)
# Material prints title and description into <title>, meta and heading markup without
# escaping, and `striptags` turns entity references back into tags: so front matter
# values may hold no markup characters and no character references.
MARKUP = re.compile(r'[<>"]|&(?=[#A-Za-z])')


def markup_in(value) -> str | None:
    """The first markup character or character reference in a value (strings inside lists too)."""
    if isinstance(value, str):
        m = MARKUP.search(value)
        return value[m.start() : m.start() + 8].split()[0] if m else None
    if isinstance(value, list):
        return next((found for found in map(markup_in, value) if found), None)
    return None


def to_date(value) -> dt.date | None:
    """A front matter date (YAML date or ISO string) as a date, or None if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; 29 February becomes 28 February in other years."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def human_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class PageMeta:
    """A page's front matter as the checks and templates read it: title, type, review dates and reviewer."""

    title: str = ""
    description: str = ""
    page_type: str = ""
    last_reviewed: dt.date | None = None
    next_review_due: dt.date | None = None
    reviewed_by: str = ""
    sources: list = field(default_factory=list)

    @classmethod
    def from_meta(cls, meta: dict) -> PageMeta:
        sources = meta.get("sources") or []
        return cls(
            title=str(meta.get("title") or "").strip(),
            description=str(meta.get("description") or "").strip(),
            page_type=str(meta.get("page_type") or "").strip(),
            last_reviewed=to_date(meta.get("last_reviewed")),
            next_review_due=to_date(meta.get("next_review_due")),
            reviewed_by=str(meta.get("reviewed_by") or "").strip(),
            sources=[str(s) for s in sources] if isinstance(sources, list) else [],
        )

    @property
    def is_content(self) -> bool:
        """Pages that carry the review block, disclosure and JSON-LD."""
        return self.page_type in REVIEW_MONTHS

    @property
    def is_treatment(self) -> bool:
        return self.page_type in TREATMENT_TYPES

    @property
    def review_months(self) -> int | None:
        return REVIEW_MONTHS.get(self.page_type)


def find_reviewer(name: str, team: list) -> dict | None:
    """The team member named in `reviewed_by` (by name or id), from mkdocs.yml extra.editorial_team."""
    for member in team or []:
        if isinstance(member, dict) and name in (str(member.get("name", "")).strip(), str(member.get("id", "")).strip()):
            return member
    return None
