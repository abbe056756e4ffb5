"""The page an engine is rendering, as our extensions need it: its file, its URL, its settings.

Python-Markdown gives an extension only the text, with front matter (and the
blank lines after it) already removed. Each engine says which page it is
rendering in its own way:

- Zensical puts a `ContextPreprocessor` (page path, URL, meta; the config) first
  in every page's Markdown instance;
- MkDocs registers its `relpath` tree processor, which holds the page's File
  (and through it the Page and its meta) and the config, before it converts.

In a plain `markdown.markdown(...)` call there is no page: `find` returns None,
and the extensions work on the text alone (diagnostics then name no file).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin


@dataclass
class PageSource:
    """The page being rendered, as the engine names it: its file, its URL and the site's address and author."""

    root: Path  # the project folder (where mkdocs.yml is)
    docs_dir: Path
    src_uri: str  # docs-relative, e.g. "about-ms/symptoms.md"
    url: str  # site-relative, e.g. "about-ms/symptoms/"
    site_url: str
    site_author: str
    extra: dict
    meta: dict = field(default_factory=dict)  # the engine's own page.meta: what templates read

    @property
    def abs_path(self) -> Path:
        return self.docs_dir / self.src_uri

    @cached_property  # asked several times per page; each answer resolves two paths on disk
    def rel(self) -> str:
        """The page as diagnostics name it: relative to the project folder."""
        try:
            return self.abs_path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return self.abs_path.as_posix()

    @property
    def canonical_url(self) -> str:
        # As MkDocs makes page.canonical_url: MkDocs names the home page "./", Zensical "".
        return urljoin(self.site_url if self.site_url.endswith("/") else self.site_url + "/", self.url) if self.site_url else ""


def _zensical(md) -> PageSource | None:
    context = sys.modules.get("zensical.extensions.context")
    if context is None:  # not running under Zensical (importing it would load its 21 MB library for nothing)
        return None
    ContextPreprocessor = context.ContextPreprocessor  # noqa: N806 (Zensical's class)
    ctx = ContextPreprocessor.from_markdown(md)
    if ctx is None or ctx.page is None:
        return None
    config = ctx.config
    root = Path(config.get("root_dir") or ".")
    return PageSource(root, root / (config.get("docs_dir") or "docs"), ctx.page.path, ctx.page.url or "",
                      config.get("site_url") or "", config.get("site_author") or "", dict(config.get("extra") or {}),
                      ctx.page.meta)


def _mkdocs(md) -> PageSource | None:
    # Python-Markdown's Registry has no .get()
    relpath = md.treeprocessors["relpath"] if "relpath" in md.treeprocessors else None  # noqa: SIM401
    file, config = getattr(relpath, "file", None), getattr(relpath, "config", None)
    if file is None or config is None:
        return None
    page = getattr(file, "page", None)
    meta = page.meta if page is not None and isinstance(page.meta, dict) else {}
    return PageSource(Path(config.config_file_path).parent, Path(config.docs_dir), file.src_uri, file.url,
                      config.site_url or "", config.site_author or "", dict(config.extra or {}), meta)


def find(md) -> PageSource | None:
    """The page `md` is converting, or None outside an engine."""
    return _zensical(md) or _mkdocs(md)
