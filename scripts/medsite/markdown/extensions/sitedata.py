"""What every page's rendering shares: the Site (medsite.sources.site), the bibliography, its formatter.

An engine makes a new Markdown instance (and so new extension instances) for
each page, in one process: these are loaded once per process and kept while
their files are unchanged, so `mkdocs serve` and `zensical serve` see an edited
bibliography or settings file on the next rebuild. A bibliography that cannot be used is reported
once per change, not once per page. The settings' own faults are the gate's to report.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.markdown.citeformat import Formatter
from medsite.sources import bibliography, settings, user_cache, worknotices
from medsite.sources.limits import Limits
from medsite.sources.site import Site


@dataclass
class SiteData:
    """The settings, the bibliography and its formatter, loaded once per process for every page's rendering."""

    site: Site
    bib_path: str  # relative to the project folder
    bib: bibliography.Bibliography | None  # None: the file cannot be used (already reported)
    formatter: Formatter | None
    problems: list[Diagnostic] = field(default_factory=list)  # why bib is None
    unformattable: set = field(default_factory=set)  # keys whose entry citeproc cannot format (reported once)

    @property
    def limits(self) -> Limits:
        return self.site.limits

    @cached_property
    def notices(self) -> dict:
        """Retractions, concerns and corrections the verification lock records (medsite.sources.worknotices)."""
        return worknotices.load(self.site.root)

    def notices_html(self, key: str) -> str:
        """The notices about a cited work, shown after its reference in footnotes and on the References page."""
        entry = self.bib.get(key) if self.bib is not None else None
        return worknotices.html_of(worknotices.of_entry(self.notices, entry)) if entry else ""

    def formatted(self, key: str, report: Callable[[Diagnostic], None]) -> str:
        """The formatted reference; a malformed entry is reported once, at its line in the bibliography,
        not as a failure of each page that cites it."""
        try:
            return self.formatter.html(key)
        except DiagnosticError as exc:
            if key not in self.unformattable:
                self.unformattable.add(key)
                for diagnostic in exc.diagnostics:
                    report(diagnostic)
            return f'<span class="csl-entry">{escape(key)}</span>'


_loaded: dict[tuple, tuple[tuple, SiteData]] = {}  # signature -> (the bibliography's stamp, data)
_shared: Site | None = None  # the Site an engine's hooks loaded for the build under way (see share)


def share(site: Site) -> None:
    """Hand over the Site an engine's own step has just loaded for this build (MkDocs' hooks do, in on_config):
    the pages then use it instead of reading mkdocs.yml and gate.yml a second time, and each rebuild of
    `make serve` sees the pages that exist now."""
    global _shared
    _shared = site


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return None, None


def load(root: Path, report: Callable[[Diagnostic], None], bibliography_path: str = "",
         style: str = "") -> SiteData:
    """The shared data of the site at `root`; the extension's own settings, when given, win over mkdocs.yml's."""
    files = (settings.MKDOCS, settings.GATE, worknotices.LOCK_FILE)  # the lock: notices beside references
    signature = (str(root.resolve()), bibliography_path, style, *(_stamp(root / f) for f in files))
    shared = _shared if _shared is not None and _shared.root.resolve() == root.resolve() else None
    if signature in _loaded:
        bib_stamp, data = _loaded[signature]
        if bib_stamp == _stamp(root / data.bib_path) and (shared is None or data.site is shared):
            return data
    site = shared or Site.load(root)[0]
    bib_path = bibliography_path or site.bibliography_path
    try:
        bib = bibliography.load(bib_path, root, site.limits)
    except DiagnosticError as exc:
        for diagnostic in exc.diagnostics:
            report(diagnostic)
        data = SiteData(site, bib_path, None, None, exc.diagnostics)
    else:
        data = SiteData(site, bib_path, bib, Formatter(bib, style or site.csl_style, cache_dir=user_cache.cache_dir()))
    _loaded.clear()  # one site per process; an edit replaces the old data
    _loaded[signature] = (_stamp(root / bib_path), data)
    _out_of_the_collectors_way()
    return data


_frozen = False


def _out_of_the_collectors_way() -> None:
    """Once per process, what is alive now (the engine's settings and ours, the bibliography, our modules: all of
    it lives until the build ends) leaves the garbage collector's sight (gc.freeze), so each collection during the
    pages' rendering walks only what the pages make: on the real site with Zensical, 0.07 billion instructions
    less, a twentieth of what our steps cost. Frozen objects are still freed by reference counting; only cyclic
    garbage alive now is kept, once, so a long `make serve` does not grow by it at each rebuild."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
