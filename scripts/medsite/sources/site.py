"""The site as its sources describe it, read once: settings, limits, the bibliography's place, the pages.

`Site.load(root)` reads mkdocs.yml (settings.read_mkdocs: no YAML tags, no aliases; the settings that
decide what code runs held to their lock, sources/config_lock.py), gate.yml
(gate_settings.load_config) and lists the pages once, as MkDocs decides what a page is: every
file under docs_dir whose name ends in one of MkDocs' Markdown suffixes, in MkDocs' file order.
Everything below the tools takes this object: the refusal of bad input before the engine, the
engines, the CSP step, the gate's Project and the extensions' shared data, so they all see the
same pages with the same rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.sources import config_lock, frontmatter, pageurls, settings
from medsite.sources.gate_settings import load_config
from medsite.sources.limits import Limits

# What MkDocs (and ProperDocs) build as a page: mkdocs.utils.markdown_extensions, written out here so
# that sources/ needs no engine installed (tests/test_site.py compares the two).
PAGE_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
DEFAULT_STYLE = "american-medical-association"
INCLUDES = "includes"  # the snippets pages insert (--8<--) and the glossary every page gets


@dataclass(frozen=True)
class SitePage:
    """A page of the site: its name in docs/, in the project, and its file."""

    uri: str  # docs-relative, e.g. "about-ms/symptoms.md"
    rel: str  # project-relative, e.g. "docs/about-ms/symptoms.md", as diagnostics name it
    path: Path  # the file


def _index_first(name: str) -> tuple:
    """MkDocs' order within a folder: its index (or README) first, then the other files by name."""
    return os.path.splitext(name)[0] not in ("index", "README"), name


def list_pages(root: Path, docs_dir: Path) -> tuple[SitePage, ...]:
    """Every page under docs_dir, in MkDocs' order (each folder's files, its index first, then its
    subfolders). Symbolic links are not followed: each is refused before any engine runs
    (medsite.sources.links, SAFE021), and what one points to (/dev/zero, say) is never read."""
    if not docs_dir.is_dir():
        return ()
    docs_rel = os.path.relpath(docs_dir, root).replace(os.sep, "/")
    pages = []
    for folder, dirnames, filenames in os.walk(docs_dir, followlinks=False):  # no loop: links are not entered
        dirnames.sort()
        for name in sorted(filenames, key=_index_first):
            path = Path(folder) / name
            if name.endswith(PAGE_SUFFIXES) and path.is_file() and not path.is_symlink():
                uri = path.relative_to(docs_dir).as_posix()
                pages.append(SitePage(uri, f"{docs_rel}/{uri}", path))
    return tuple(pages)


def files_with_suffixes(folder: Path, suffixes) -> list[Path]:
    """The files under `folder` whose suffix (lower-cased) is in `suffixes`, each folder's files by name, then
    its subfolders. Symbolic links are neither entered nor listed (SAFE021 refuses them)."""
    found = []
    for current, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(current, name)
            if not path.is_symlink() and path.suffix.lower() in suffixes:
                found.append(path)
    return found


@dataclass
class Site:
    """The project as every stage reads it: mkdocs.yml, gate.yml and the pages, loaded once."""

    root: Path
    mkdocs: dict  # mkdocs.yml as our loader reads it ({} when it cannot be read: see problems)
    config: dict  # gate.yml, validated, with every default filled in
    gate_config_path: str = settings.GATE
    problems: list[Diagnostic] = field(default_factory=list)  # what loading found (bad YAML, unreadable files)
    _front_matter: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: str | Path, gate_config_path: str = settings.GATE) -> tuple[Site, list[Diagnostic]]:
        """(site, problems). Never raises: a missing or broken file gives the defaults and says why."""
        root = Path(root)
        mkdocs, node, problems = settings.read_mkdocs_located(root / settings.MKDOCS)
        problems += config_lock.check(mkdocs, node)
        config, gate_problems = load_config(root / gate_config_path, gate_config_path)
        site = cls(root, mkdocs, config, gate_config_path, problems + gate_problems)
        return site, list(site.problems)

    @property
    def extra(self) -> dict:
        return settings.extra(self.mkdocs)

    @property
    def limits(self) -> Limits:
        return self.config["limits"]

    @property
    def docs_dir(self) -> Path:
        value = self.mkdocs.get("docs_dir")
        return self.root / (value if isinstance(value, str) and value.strip() else "docs")

    @property
    def includes_dir(self) -> Path:
        return self.root / INCLUDES

    def copied_files(self, suffixes) -> list[Path]:
        """The files under docs_dir with one of these suffixes that MkDocs copies as they are (not pages)."""
        pages = {page.path.resolve() for page in self.pages}
        return [path for path in files_with_suffixes(self.docs_dir, suffixes) if path.resolve() not in pages]

    @property
    def custom_dir(self) -> Path | None:
        """theme.custom_dir (overrides/), when it is a folder."""
        theme = self.mkdocs.get("theme") if isinstance(self.mkdocs.get("theme"), dict) else {}
        custom = theme.get("custom_dir")
        return self.root / custom if isinstance(custom, str) and (self.root / custom).is_dir() else None

    @property
    def bibliography_path(self) -> str:
        """The bibliography, relative to the project folder (extra.bibliography, else docs/references.yaml)."""
        return settings.bibliography_path(self.mkdocs)

    @property
    def csl_style(self) -> str:
        value = self.extra.get("csl_style")
        return value.strip() if isinstance(value, str) and value.strip() else DEFAULT_STYLE

    @cached_property
    def pages(self) -> tuple[SitePage, ...]:
        return list_pages(self.root, self.docs_dir)

    @cached_property
    def pages_by_html_file(self) -> dict[str, SitePage]:
        """Each page by the HTML file an engine writes for it (site-relative: 'about/index.html')."""
        return {pageurls.html_file(page.uri): page for page in self.pages}

    def front_matter(self, page: SitePage) -> frontmatter.Page:
        """The page read by our parser with the site's limits, once; raises its DiagnosticError each time."""
        if page.uri not in self._front_matter:
            try:
                self._front_matter[page.uri] = frontmatter.read(page.path, page.rel, self.limits)
            except DiagnosticError as exc:
                self._front_matter[page.uri] = exc
        found = self._front_matter[page.uri]
        if isinstance(found, DiagnosticError):
            raise found
        return found
