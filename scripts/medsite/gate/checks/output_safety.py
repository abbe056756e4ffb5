"""SAFE004-SAFE010: what is published holds only what the allowlist allows; this is the authority.

The source-level SAFE001-003 (checks/safety.py) only give earlier, friendlier messages. Here every
file of the staging site that a browser renders as a document (HTML, SVG) is parsed and held
against safety_policy; every file copied from docs/ must be of a type editors may publish; and
every page must come from a source the gate checks. Each finding names the source file and line
that the markup came from (page, snippet, bibliography, mkdocs.yml); when no line matches, it names
the published file and says so. SAFE findings cannot be suppressed in a page; gate.yml's
`safe_exceptions` can allow one exact element from one file, with a reason.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate import safety_policy as policy
from medsite.gate.checks.source_map import SourceFinder
from medsite.gate.markup_check import Finding, html_findings, svg_findings
from medsite.output import theme
from medsite.sources import settings

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE008", ERROR,
         what="A file under docs/ of a type editors may not publish (JavaScript, WebAssembly, XML, XSL, PDF, archives...).",
         why="Files copied from docs/ are published as they are, where a browser may run them.",
         fix="Remove the file; publish pages, images, SVG drawings, CSS or text files only.",
         where="docs/assets/",
         bad="widget.js",
         good="drawing.css"),
    Rule("SAFE009", ERROR,
         what="The published site has a page whose source the gate does not check.",
         why="Every page must pass every check before readers see it.",
         fix="Write pages as .md files under docs/; report this to a maintainer, as the gate and MkDocs disagree about what a page is.",
         where="site/",
         bad="notes/index.html",
         good="page/index.html"),
)

# Pages the theme renders without a Markdown source.
THEME_PAGES = {"site/404.html"}


@dataclass
class _Located:
    site_rel: str
    finding: Finding
    source: Location | None


class _Site:
    """The staging site and what decides whether a file in it is ours."""

    def __init__(self, project):
        self.project = project
        self.dir = Path(project.site_dir)
        self.dirs = project.template_dirs
        self._assets: dict[tuple, bool] = {}  # (site path, is_script) -> verdict: every page loads the same files

    def copied_from_docs(self, sub: str) -> bool:
        return (self.project.docs_dir / sub).is_file()

    def script_ok(self, text: str) -> bool:
        return theme.known_inline_script(text, self.dirs)

    @cached_property
    def base_path(self) -> str:
        """The path of site_url ('/' or '/docs/'), which root-relative URLs such as the 404 page's start with."""
        site_url = self.project.mkdocs.get("site_url")
        path = urlsplit(site_url).path if isinstance(site_url, str) else ""
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    def asset_checker(self, sub: str):
        folder = posixpath.dirname(sub)

        def asset_ok(url: str, is_script: bool) -> bool:
            path = url.split("#", 1)[0].split("?", 1)[0]
            if path.startswith("/"):
                if not path.startswith(self.base_path):
                    return False
                path, folder_here = path[len(self.base_path):], ""
            else:
                folder_here = folder
            target = posixpath.normpath(posixpath.join(folder_here, path))
            if target.startswith("../"):
                return False
            key = (target, is_script)
            if key not in self._assets:
                exists = (self.dir / target).is_file()
                self._assets[key] = exists and (theme.is_theme_file(self.dir / target, target, self.dirs) if is_script else True)
            return self._assets[key]

        return asset_ok


def _scan(project, site: _Site):
    """(site_rel, Finding, source page rel or None, source file rel or None) for every problem found."""
    known_pages = project.page_by_html
    for path in sorted(p for p in site.dir.rglob("*") if p.is_file()):
        sub = path.relative_to(site.dir).as_posix()
        site_rel, suffix = f"site/{sub}", path.suffix.lower()
        docs_rel = f"{project.docs_dir.relative_to(project.root).as_posix()}/{sub}" if site.copied_from_docs(sub) else None
        if suffix in policy.HTML_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            page = known_pages.get(site_rel)
            themed = docs_rel is None
            if themed and page is None and site_rel not in THEME_PAGES:
                yield site_rel, Finding("SAFE009", "page has no source that the gate checks", (), sub), None, None
            findings = html_findings(text, themed=themed, script_ok=site.script_ok, asset_ok=site.asset_checker(sub))
            for f in findings:
                yield site_rel, f, page.rel if page else None, docs_rel
        elif suffix in policy.SVG_SUFFIXES:
            if docs_rel is None and theme.is_theme_file(path, sub, site.dirs):
                continue
            for f in svg_findings(path.read_text(encoding="utf-8", errors="replace")):
                yield site_rel, f, None, docs_rel
        elif docs_rel and suffix not in policy.DOCS_STATIC_SUFFIXES and docs_rel != _bibliography(project):
            kind = suffix or "(no extension)"
            yield site_rel, Finding("SAFE008", f"a {kind} file from docs/ would be published; editors may publish only pages, "
                                    "images, SVG drawings, CSS and text files", (), sub, None, 1), None, docs_rel


def _bibliography(project) -> str | None:
    return settings.bibliography_path(project.mkdocs)


def _locate(finder: SourceFinder, finding: Finding, page_rel, docs_rel) -> Location | None:
    if docs_rel and finding.line:  # a file copied from docs/: its own line
        return Location(docs_rel, finding.line)
    if finding.needles:
        found = finder.find(finding.needles, origin=finding.origin, page_rel=page_rel, file_rel=docs_rel)
        if found:
            return found
    return Location(docs_rel, 1) if docs_rel else None


def _excepted(exceptions, finding: Finding, source: Location | None, used: set) -> bool:
    """An exception allows an element and its attributes, never an event handler or a code-running URL."""
    if finding.element is None or source is None or not finding.exceptable:
        return False
    for exception in exceptions:
        if exception.file == source.path and exception.element == finding.element:
            used.add(exception)
            return True
    return False


@gate_check(stage=SITE)
def check(project):
    if project.site_dir is None or not Path(project.site_dir).is_dir():
        return
    site = _Site(project)
    finder = SourceFinder(project)
    exceptions = project.config.get("safe_exceptions") or []
    used: set = set()
    located: list[_Located] = []
    for site_rel, finding, page_rel, docs_rel in _scan(project, site):
        source = _locate(finder, finding, page_rel, docs_rel)
        if not _excepted(exceptions, finding, source, used):
            located.append(_Located(site_rel, finding, source))
    yield from _grouped(located)
    for exception in exceptions:
        if exception not in used:
            yield Diagnostic("GATE002", f"safe_exceptions entry for {exception.file} ({exception.markup[:60]!r}) allowed nothing",
                             project.gate_config_path, exception.line,
                             hint="remove the entry, or correct its file or markup")


def _grouped(located: list[_Located]):
    """One diagnostic per fault: markup in a title or setting reaches every page's navigation."""
    groups: dict[tuple, list[_Located]] = {}
    for item in located:
        f = item.finding
        groups.setdefault((f.code, item.source, f.target, f.message), []).append(item)
    for (code, source, target, message), items in groups.items():
        first = items[0]
        others = len({i.site_rel for i in items}) - 1
        if others:
            message += f" (and in {others} more published file{'s' if others > 1 else ''})"
        if source is None and first.finding.needles:
            message += "; no source line holds this markup, so look at the published file"
        yield Diagnostic(code, message, first.site_rel, first.finding.line if source is None else None, target=target,
                         source=source)
