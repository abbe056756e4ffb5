"""Find the Markdown line that an HTML fault came from, so editors can fix the source."""

from __future__ import annotations

import html
import posixpath
from functools import cached_property
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


def _plain(text: str) -> str:
    """A line as a browser would read its text: character references decoded, case folded."""
    return html.unescape(text).lower()


class SourceFinder:
    """Finds the file and line an editor wrote a piece of published markup in.

    The published page has character references decoded and tags rebuilt, so lines are compared
    decoded and case-folded: `&#106;avascript:` in a page matches the `javascript:` a browser sees.
    Where to look, in order: the page itself (its body outside code, then its front matter), the
    snippets in includes/, the bibliography, mkdocs.yml, then every other page (titles reach the
    navigation of all pages).
    """

    def __init__(self, project):
        self.project = project

    @cached_property
    def _shared(self) -> list[tuple[str, list[tuple[int, str]]]]:
        files = [(inc.rel, [(n, _plain(t)) for n, t in inc.prose_lines()]) for inc in self.project.includes]
        for rel in (self._bibliography_rel(), "mkdocs.yml"):
            if rel:
                files.append((rel, _numbered(self.project.root / rel)))
        return files

    @cached_property
    def _pages(self) -> dict[str, list[tuple[str, list[tuple[int, str]]]]]:
        out = {}
        for page in self.project.pages:
            body = [(n, _plain(t)) for n, t in page.prose_lines()] if page.page else []
            first_body = page.page.body_line if page.page else len(page.raw_lines) + 1
            front = [(n, _plain(t)) for n, t in enumerate(page.raw_lines[: first_body - 1], 1)]
            out[page.rel] = [(page.rel, body), (page.rel, front)]
        return out

    def _bibliography_rel(self) -> str | None:
        rel = self.project.extra.get("bibliography", "docs/references.yaml") if isinstance(self.project.extra, dict) else None
        return rel if isinstance(rel, str) and (self.project.root / rel).is_file() else None

    def find(self, needles, *, page_rel: str | None = None, file_rel: str | None = None) -> str | None:
        """'docs/x.md:17' for the first place that holds the first needle found, or None."""
        needles = [n.lower() for n in needles if n and n.strip()]
        order = []
        if file_rel:
            order.append((file_rel, _numbered(self.project.root / file_rel)))
        if page_rel in self._pages:
            order += self._pages[page_rel]
        order += self._shared
        order += [f for rel, files in self._pages.items() if rel != page_rel for f in files]
        for needle in needles:
            for rel, lines in order:
                for line_no, text in lines:
                    if needle in text:
                        return f"{rel}:{line_no}"
        return None


def _numbered(path) -> list[tuple[int, str]]:
    try:
        return [(n, _plain(t)) for n, t in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)]
    except OSError:
        return []
