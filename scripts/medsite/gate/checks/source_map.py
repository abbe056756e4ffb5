"""Find the Markdown line that an HTML fault came from, so editors can fix the source."""

from __future__ import annotations

import html
import posixpath
from functools import cached_property
from urllib.parse import unquote

from medsite.core.diagnostics import Location
from medsite.core.urls import split
from medsite.sources import settings


def find_line(page, needles) -> Location | None:
    """docs/x.md:17, the first prose line containing any of the needles."""
    if page is None or page.page is None:
        return None
    needles = [n for n in needles if n]
    for line_no, text in page.prose_lines():
        if any(n in text for n in needles):
            return Location(page.rel, line_no)
    return None


def find_lines(page, needles) -> list[Location]:
    """docs/x.md:17 and so on, every prose line containing any of the needles, in order."""
    if page is None or page.page is None:
        return []
    needles = [n for n in needles if n]
    return [Location(page.rel, line_no) for line_no, text in page.prose_lines() if any(n in text for n in needles)]


def find_first(page, needles) -> Location | None:
    """The line of the first needle that any prose line holds: needles go from the most to the least telling."""
    return next(filter(None, (find_line(page, [needle]) for needle in needles)), None)


def href_needles(href: str) -> list[str]:
    """Text an editor would have written for a link that MkDocs rewrote (.md -> /), the most telling first."""
    parts = split(href)
    if parts is None:  # an unreadable host: look for the link as written
        return [href]
    stem = posixpath.basename(parts.path.rstrip("/"))
    written = (f"{stem}.md" if "." not in stem else stem) if stem else ""
    fragment = f"#{unquote(parts.fragment)}" if parts.fragment else ""
    needles = [href]
    if written and fragment:
        needles.append(written + fragment)  # the link as written: the line MkDocs' log names too
    return needles + [n for n in (fragment, written) if n]


DEFAULT_ORIGIN = ("body", "front", "includes", "bibliography", "settings", "fronts", "pages")  # see markup_check.ORIGINS


def _plain(text: str) -> str:
    """A line as a browser would read its text: character references decoded, case folded."""
    return html.unescape(text).lower()


class SourceFinder:
    """Finds the file and line an editor wrote a piece of published markup in.

    The published page has character references decoded and tags rebuilt, so lines are compared
    decoded and case-folded: `&#106;avascript:` in a page matches the `javascript:` a browser sees.
    Sources are searched by kind (see markup_check.ORIGINS) in the order the finding suggests; in
    the first kind with a match, the line holding most of the needles wins.
    """

    def __init__(self, project):
        self.project = project

    @cached_property
    def _kinds(self) -> dict[str, list[tuple[str, list[tuple[int, str]]]]]:
        kinds = {"includes": [(inc.rel, _numbered(inc.full_path)) for inc in self.project.includes]}
        bib = self._bibliography_rel()
        kinds["bibliography"] = [(bib, _numbered(self.project.root / bib))] if bib else []
        kinds["settings"] = [(settings.MKDOCS, _numbered(self.project.root / settings.MKDOCS))]
        kinds["fronts"] = [self._page_files(page)[0] for page in self.project.pages]
        kinds["pages"] = [self._page_files(page)[1] for page in self.project.pages]
        return kinds

    @staticmethod
    def _page_files(page) -> list[tuple[str, list[tuple[int, str]]]]:
        """(front matter lines, body lines) of one page.

        Code blocks are searched too: markup that reached the output was not code to Markdown,
        whatever it looked like (an unclosed fence, say).
        """
        first_body = page.page.body_line if page.page else 1
        numbered = [(n, _plain(t)) for n, t in enumerate(page.raw_lines, 1)]
        return [(page.rel, numbered[: first_body - 1]), (page.rel, numbered[first_body - 1 :])]

    @cached_property
    def _pages(self) -> dict:
        return {page.rel: self._page_files(page) for page in self.project.pages}

    def _bibliography_rel(self) -> str | None:
        rel = settings.bibliography_path(self.project.mkdocs)
        return rel if (self.project.root / rel).is_file() else None

    def _files(self, kind: str, page_rel: str | None):
        if kind in ("front", "body"):
            front, body = self._pages.get(page_rel, [(None, []), (None, [])])
            return [front if kind == "front" else body] if page_rel in self._pages else []
        return self._kinds.get(kind, [])

    def find(self, needles, *, origin=(), page_rel: str | None = None, file_rel: str | None = None) -> Location | None:
        """docs/x.md:17, the line most likely to hold the markup, or None when no line holds any needle."""
        needles = list(dict.fromkeys(n.lower() for n in needles if n and n.strip()))
        if not needles:
            return None
        groups = [[(file_rel, _numbered(self.project.root / file_rel))]] if file_rel else []
        groups += [self._files(kind, page_rel) for kind in (origin or DEFAULT_ORIGIN)]
        for files in groups:
            best, where = 0, None
            for rel, lines in files:
                for line_no, text in lines:
                    score = sum(1 for n in needles if n in text) + (0.5 if needles[0] in text else 0)
                    if score > best:
                        best, where = score, Location(rel, line_no)
            if where:
                return where
        return None


def _numbered(path) -> list[tuple[int, str]]:
    try:
        return [(n, _plain(t)) for n, t in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)]
    except OSError:
        return []
