"""PERF: a content page's first load stays within the budget (`first_load_kb` in gate.yml).

"First load" is what a browser fetches for the page before the reader does anything:

- the page's HTML (inline scripts and styles are part of it);
- what the HTML makes the browser fetch at once (htmlindex._first_load): every
  stylesheet it links, every script it loads by URL (plain, async, defer or
  module: all are fetched while the page loads), and every preload;
- what those stylesheets pull in: stylesheets they @import, and the fonts their
  @font-face rules declare (the first url() of each src, the format a current
  browser picks when the rule lists woff2 first; every declared face is counted,
  used or not, so the figure is an upper bound).

Not counted: images (IMG004 budgets those), and anything a script fetches later:
the theme's own script (Material's or Zensical's bundle), which
overrides/partials/theme-loader.html fetches on the reader's first interaction
(main.html leaves its tag as a data block, a script of a non-JavaScript type,
which browsers neither fetch nor run, so it is not counted here either), and
search, which loads its code and index only when a reader opens it. So one
budget holds for both engines: what is left is the page's HTML and the theme's
stylesheets, the same files on every page, whatever the site's size.

Sizes are what a static host sends: text (HTML, CSS, JavaScript, SVG, JSON)
gzip-compressed at level 6, as common hosts and the bench server do; fonts and
other binary files at their file size (woff2 is already compressed). Each file
is compressed once per run, however many pages load it.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from types import SimpleNamespace

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate.checks.links import resolve
from medsite.sources.pagemeta import PageMeta
from medsite.sources.settings import GATE_DEFAULTS

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("PERF001", ERROR,
         what="A content page's first load (its HTML and the CSS, JavaScript and fonts it loads before the reader does anything, gzip-compressed as a host sends them) is over first_load_kb in gate.yml.",
         why="Readers on phones and slow connections pay for every kilobyte before they can read, and the first page must not grow with the site.",
         fix="The message lists each part and its compressed size: shorten or split a very long page, or load a script or stylesheet only when a reader needs it, as search does.",
         where="gate.yml",
         bad="first_load_kb: 0.1",
         good="first_load_kb: 84"),
)

DEFAULT_KB = GATE_DEFAULTS["first_load_kb"]
GZIP_LEVEL = 6
TEXT_SUFFIXES = (".html", ".htm", ".css", ".js", ".mjs", ".svg", ".json", ".txt", ".xml")

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I)
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.I)
_SRC = re.compile(r"\bsrc\s*:([^;}]*)", re.I)
_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.I)


class Sizes:
    """Compressed size of each site file, computed once per run."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[str, int] = {}

    def of(self, rel: str) -> int:
        if rel not in self.cache:
            data = (self.root / rel[len("site/"):]).read_bytes()
            compress = rel.lower().endswith(TEXT_SUFFIXES)
            self.cache[rel] = len(gzip.compress(data, GZIP_LEVEL, mtime=0)) if compress else len(data)
        return self.cache[rel]


def _css_urls(css: str) -> list[str]:
    """@import targets and the first font of each @font-face, in the order a browser meets them."""
    css = _COMMENT.sub("", css)
    urls = _IMPORT.findall(css)
    for face in _FONT_FACE.findall(css):
        src = _SRC.search(face)
        first = _URL.search(src.group(1)) if src else None
        if first:
            urls.append(first.group(1))
    return [u for u in urls if not u.startswith("data:")]


def _stylesheet(rel: str) -> SimpleNamespace:
    """A stand-in page, so that links.resolve reads URLs inside a stylesheet relative to the stylesheet."""
    return SimpleNamespace(url=rel[len("site/"):])


def first_load(site, page, sizes: Sizes) -> list[tuple[str, int]]:
    """(file, compressed bytes) for the page's HTML and everything it loads before any interaction."""
    out = [(page.rel, sizes.of(page.rel))]
    seen = {page.rel}
    queue = [(page, url) for url in page.first_load]
    while queue:
        owner, url = queue.pop(0)
        if url.startswith(("http:", "https:", "//", "data:")):
            continue  # third-party requests are the privacy checks' business; data: URLs are inside their file
        target, _ = resolve(site, owner, url)
        if target is None or target in seen:
            continue  # a missing file is LNK001's finding
        seen.add(target)
        out.append((target, sizes.of(target)))
        if target.endswith(".css"):
            css = (site.root / target[len("site/"):]).read_text(encoding="utf-8", errors="replace")
            queue += [(_stylesheet(target), u) for u in _css_urls(css)]
    return out


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


@gate_check(stage=SITE)
def check(project):
    site = project.site
    if site is None:
        return
    setting = "first_load_kb"
    budget_kb = project.config.get(setting, DEFAULT_KB)
    if isinstance(budget_kb, bool) or not isinstance(budget_kb, (int, float)) or budget_kb <= 0:
        yield Diagnostic("GATE003", f"{setting} must be a positive number of kilobytes, not {budget_kb!r}",
                         project.gate_config_path, hint=f"write, for example, {setting}: {DEFAULT_KB}")
        return
    budget = float(budget_kb) * 1024
    sizes = Sizes(site.root)
    for page in site.pages.values():
        source_page = project.page_by_html.get(page.rel)
        if not source_page or not source_page.page or not PageMeta.from_meta(source_page.page.meta).is_content:
            continue
        parts = first_load(site, page, sizes)
        total = sum(size for _, size in parts)
        if total <= budget:
            continue
        weight = ", ".join(f"{name[len('site/'):]} {_kb(size)}" for name, size in sorted(parts, key=lambda p: -p[1]))
        yield Diagnostic(
            "PERF001",
            f"first-load transfer is {_kb(total)} (gzip), over the {budget_kb} KB budget: {weight}",
            page.rel,
            target=_kb(total),
            source=Location(source_page.rel, 1),
            hint="make the largest parts smaller: split a long page, or load a script or stylesheet only when a reader needs it",
        )
