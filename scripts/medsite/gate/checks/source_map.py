"""Find the Markdown line that an HTML fault came from, so editors can fix the source."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit


def find_line(page, needles) -> str | None:
    """'docs/x.md:17' for the first prose line containing any of the needles."""
    if page is None or page.page is None:
        return None
    needles = [n for n in needles if n]
    for line_no, text in page.prose_lines():
        if any(n in text for n in needles):
            return f"{page.rel}:{line_no}"
    return None


def find_lines(page, needles) -> list[str]:
    """'docs/x.md:17' for every prose line containing any of the needles, in order."""
    if page is None or page.page is None:
        return []
    needles = [n for n in needles if n]
    return [f"{page.rel}:{line_no}" for line_no, text in page.prose_lines() if any(n in text for n in needles)]


def href_needles(href: str) -> list[str]:
    """Text an editor would have written for a link that MkDocs rewrote (.md -> /)."""
    parts = urlsplit(href)
    stem = posixpath.basename(parts.path.rstrip("/"))
    needles = [href]
    if parts.fragment:
        needles.append(f"#{unquote(parts.fragment)}")
    if stem:
        needles.append(f"{stem}.md" if "." not in stem else stem)
    return needles
