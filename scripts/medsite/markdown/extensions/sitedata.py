"""What every page's rendering shares: the bibliography, its formatter, gate.yml's limits.

An engine makes a new Markdown instance (and so new extension instances) for
each page, in one process: these are loaded once per process and kept while
their files are unchanged, so `mkdocs serve` and `zensical serve` see an edited
bibliography on the next rebuild. A bibliography that cannot be used is reported
once per change, not once per page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.markdown.citeformat import Formatter
from medsite.sources import bibliography
from medsite.sources.gate_settings import load_config
from medsite.sources.limits import Limits

DEFAULT_BIBLIOGRAPHY = "docs/references.yaml"
DEFAULT_STYLE = "american-medical-association"
# Formatted references, kept between builds. Not under .cache/: `zensical build --clean` empties
# that folder, and every Zensical build would then run the CSL processor for every work again.
CACHE_DIR = ".medsite-cache"


@dataclass
class SiteData:
    bib: bibliography.Bibliography | None  # None: the file cannot be used (already reported)
    formatter: Formatter | None
    limits: Limits
    problems: list[Diagnostic] = field(default_factory=list)  # why bib is None
    unformattable: set = field(default_factory=set)  # keys whose entry citeproc cannot format (reported once)

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


_loaded: dict[tuple, SiteData] = {}


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return None, None


def load(root: Path, bib_rel: str, style: str, report: Callable[[Diagnostic], None]) -> SiteData:
    gate_yml = root / "gate.yml"
    signature = (str(root.resolve()), bib_rel, style, _stamp(root / bib_rel), _stamp(gate_yml))
    if signature in _loaded:
        return _loaded[signature]
    limits = load_config(gate_yml, "gate.yml")[0]["limits"]  # the gate reports gate.yml's own faults
    try:
        bib = bibliography.load(bib_rel, root, limits)
    except DiagnosticError as exc:
        for diagnostic in exc.diagnostics:
            report(diagnostic)
        data = SiteData(None, None, limits, exc.diagnostics)
    else:
        data = SiteData(bib, Formatter(bib, style, cache_dir=root / CACHE_DIR), limits)
    _loaded.clear()  # one site per process; an edit replaces the old data
    _loaded[signature] = data
    return data
