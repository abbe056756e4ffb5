"""What the gate checks: the sources (pages, bibliography, settings) and the built site, each read once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mkdocs.utils import markdown_extensions as PAGE_SUFFIXES  # noqa: N812 - a constant: every extension MkDocs builds as a page

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.markdown import citations, structure
from medsite.output.htmlindex import SiteIndex, index_site
from medsite.sources import bibliography, frontmatter, pageurls, settings


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
    today: dt.date = field(default_factory=dt.date.today)
    gate_config_path: str = "gate.yml"
    problems: list = field(default_factory=list)  # diagnostics found while loading

    @cached_property
    def mkdocs(self) -> dict:
        data, problems = settings.read_mkdocs(self.root / settings.MKDOCS)
        self.problems.extend(problems)
        return data

    @property
    def extra(self) -> dict:
        return settings.extra(self.mkdocs)

    @cached_property
    def docs_dir(self) -> Path:
        return self.root / (self.mkdocs.get("docs_dir") or "docs")

    @cached_property
    def includes_dir(self) -> Path:
        return self.root / "includes"

    @cached_property
    def config(self) -> dict:
        from medsite.sources.gate_settings import load_config

        config, problems = load_config(self.root / self.gate_config_path, self.gate_config_path)
        self.problems.extend(problems)
        return config

    @cached_property
    def bibliography(self) -> bibliography.Bibliography | None:
        path = settings.bibliography_path(self.mkdocs)
        try:
            return bibliography.load(path, self.root, self.config["limits"])
        except DiagnosticError as exc:
            self.problems.extend(exc.diagnostics)
            return None

    @cached_property
    def pages(self) -> list[SourcePage]:
        out = []
        if not self.docs_dir.is_dir():
            return out
        docs_rel = self.docs_dir.relative_to(self.root)
        # MkDocs builds a page from any of its Markdown extensions, so the gate reads all of them:
        # a page that reached readers unchecked because of its extension would defeat every check.
        paths = (p for p in self.docs_dir.rglob("*") if p.name.endswith(PAGE_SUFFIXES) and p.is_file())  # as MkDocs decides
        for path in sorted(paths):
            uri = path.relative_to(self.docs_dir).as_posix()
            rel = f"{docs_rel.as_posix()}/{uri}"
            try:
                out.append(SourcePage(uri, rel, frontmatter.read(path, rel, self.config["limits"]), full_path=path))
            except DiagnosticError as exc:
                out.append(SourcePage(uri, rel, None, exc.diagnostics[0], full_path=path))
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
