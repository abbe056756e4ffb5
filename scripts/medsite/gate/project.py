"""What the gate checks: the sources (pages, bibliography, settings) and the built site, each read once.

The sources come from one `Site` (medsite.sources.site), the same the engine's pre-checks, the CSP
step and the extensions read; the engine that built the site travels with the project, so the
gate allows that engine's own theme (Engine.template_dirs) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from medsite.build import engines
from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.markdown import citations, structure
from medsite.output.htmlindex import SiteIndex, index_site
from medsite.sources import bibliography, frontmatter, pageurls, settings
from medsite.sources.site import PAGE_SUFFIXES, Site

__all__ = ["PAGE_SUFFIXES", "Project", "SourcePage"]  # PAGE_SUFFIXES: every suffix MkDocs builds as a page


@dataclass
class SourcePage:
    uri: str  # docs-relative, e.g. "about-ms/symptoms.md"
    rel: str  # project-relative, e.g. "docs/about-ms/symptoms.md"
    page: frontmatter.Page | None
    error: Diagnostic | None = None
    full_path: Path | None = None

    @cached_property
    def body_lines(self) -> list[str]:
        return self.page.body.splitlines() if self.page else []

    @cached_property
    def code_mask(self) -> list[bool]:
        """True for body lines inside fenced or indented code."""
        return structure.code_lines(self.body_lines)

    @cached_property
    def _blanked_lines(self) -> list[str]:
        return structure.blank_code(self.page.body).splitlines() if self.page else []

    def prose_lines(self):
        """(file line number, text) for body lines outside code blocks, inline code blanked."""
        first = self.page.body_line if self.page else 1
        for i, (line, in_code) in enumerate(zip(self._blanked_lines, self.code_mask, strict=False)):
            if not in_code:
                yield first + i, line

    @cached_property
    def citation_groups(self) -> list[citations.Group]:
        return citations.find(self.page.body, first_line=self.page.body_line) if self.page else []

    @property
    def html_rel(self) -> str:
        """Where MkDocs writes this page, as the checks name built files ('site/...')."""
        return f"site/{pageurls.html_file(self.uri)}"

    @cached_property
    def raw_lines(self) -> list[str]:
        """Every line of the file as written (front matter included), for finding where markup came from."""
        return self.full_path.read_text(encoding="utf-8", errors="replace").splitlines() if self.full_path else []


@dataclass
class Project:
    root: Path
    site_dir: Path | None = None
    today: dt.date = field(default_factory=clock.today)  # MEDSITE_TODAY pins it (core/clock.py)
    gate_config_path: str = settings.GATE
    problems: list = field(default_factory=list)  # diagnostics found while loading
    engine: engines.Engine | str = engines.DEFAULT  # the engine that built site_dir (a name is looked up)
    sources: Site | None = None  # loaded from root unless given (make_site loads it once for the whole build)

    def __post_init__(self):
        self.engine = engines.get(self.engine)
        if self.sources is None:
            self.sources, problems = Site.load(self.root, self.gate_config_path)
        else:
            problems = self.sources.problems
        self.problems.extend(p for p in problems if p not in self.problems)

    @property
    def mkdocs(self) -> dict:
        return self.sources.mkdocs

    @property
    def extra(self) -> dict:
        return self.sources.extra

    @property
    def docs_dir(self) -> Path:
        return self.sources.docs_dir

    @property
    def includes_dir(self) -> Path:
        return self.sources.includes_dir

    @property
    def config(self) -> dict:
        return self.sources.config

    @property
    def template_dirs(self) -> list[Path]:
        """The template folders whose inline scripts and files the built site may carry."""
        return self.engine.template_dirs(self.sources)

    @cached_property
    def bibliography(self) -> bibliography.Bibliography | None:
        try:
            return bibliography.load(self.sources.bibliography_path, self.root, self.config["limits"])
        except DiagnosticError as exc:
            self.problems.extend(exc.diagnostics)
            return None

    @cached_property
    def pages(self) -> list[SourcePage]:
        # Every page MkDocs would build, whatever its Markdown suffix (Site.pages): a page that reached
        # readers unchecked because of its suffix would defeat every check.
        out = []
        for page in self.sources.pages:
            try:
                out.append(SourcePage(page.uri, page.rel, self.sources.front_matter(page), full_path=page.path))
            except DiagnosticError as exc:
                out.append(SourcePage(page.uri, page.rel, None, exc.diagnostics[0], full_path=page.path))
        return out

    @cached_property
    def includes(self) -> list[SourcePage]:
        """The snippets pages insert (--8<--) and the glossary appended to every page: checked like page bodies, as readers see them too."""
        out = []
        if not self.includes_dir.is_dir():
            return out
        for path in sorted(p for p in self.includes_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(self.root).as_posix()
            uri = path.relative_to(self.includes_dir).as_posix()
            try:
                out.append(SourcePage(uri, rel, frontmatter.read(path, rel), full_path=path))
            except DiagnosticError as exc:
                out.append(SourcePage(uri, rel, None, exc.diagnostics[0], full_path=path))
        return out

    @cached_property
    def page_by_html(self) -> dict[str, SourcePage]:
        return {p.html_rel: p for p in self.pages}

    def built_pages(self):
        """(built page, the source page it came from or None) for each page of the checked site; none without one."""
        if self.site is None:
            return
        for page in self.site.pages.values():
            yield page, self.page_by_html.get(page.rel)

    @cached_property
    def site(self) -> SiteIndex | None:
        if self.site_dir is None or not self.site_dir.is_dir():
            return None
        return index_site(self.site_dir)

    def cited_keys(self) -> dict[str, list[tuple[SourcePage, citations.Cite]]]:
        used: dict[str, list] = {}
        for page in self.pages:
            for group in page.citation_groups:
                for cite in group.cites:
                    used.setdefault(cite.key, []).append((page, cite))
        return used
