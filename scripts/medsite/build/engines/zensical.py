"""Zensical: Material's successor, with its own Rust core and MiniJinja templates.

It has no --site-dir, and its site_dir must lie inside the project: the generated config (mkdocs.yml's
values as our loader read them, never INHERIT) sets site_dir to the staging folder, always with --clean (its Markdown cache does
not see changes to the bibliography or to our code). It ignores `hooks:`, and its templates cannot
carry the CSP step's marks, so `make site` makes the CSP after the build (medsite.output.csp_after).
Its link warnings are left to the gate, which checks links in the output whichever engine wrote it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from medsite.build.engines.base import Engine, build_failed, log_lines, package_folder, write_config
from medsite.core.diagnostics import Diagnostic
from medsite.sources import config_lock, settings
from medsite.sources.site import Site

# Zensical's reason for stopping, e.g. "RuntimeError: error reading page metadata 'bad.md': invalid ..."
ERROR = re.compile(r"^(?:RuntimeError|Error): (?P<msg>.*)$")
PAGE = re.compile(r"'(?P<page>[^']+\.md)'")


class Zensical(Engine):
    name = "zensical"
    label = "Zensical"
    module = "zensical"
    csp_inside = False

    def command(self, site: Site, staging: Path) -> tuple[list[str], Path | None]:
        config = write_config(site, self.name, **self.settings(site, staging))
        zensical = Path(sys.executable).with_name("zensical")
        return [str(zensical), "build", "--clean", "-f", str(config)], config

    def settings(self, site: Site, staging: Path) -> dict:
        """What the generated config sets beside mkdocs.yml's values (`make bench` builds with them too)."""
        theme = site.mkdocs.get("theme")
        return {
            "site_dir": os.path.relpath(staging, site.root),  # Zensical resolves site_dir against the config's folder
            # variant classic: Material's look and sizes (the default "modern" variant's CSS and icons
            # put every page over the gate's first-load budget, PERF001).
            "theme": {**(theme if isinstance(theme, dict) else {"name": theme or "material"}), "variant": "classic"},
            **without_unlisted_search(site.mkdocs),
        }

    def read_log(self, output: str, site: Site, staging: Path) -> list[Diagnostic]:
        return []  # its link warnings: the gate checks links in the output

    def stopped(self, output: str, site: Site) -> Diagnostic:
        lines = log_lines(output)
        reason = next((m["msg"] for m in map(ERROR.match, reversed(lines)) if m), None)
        reason = reason or (lines[-1] if lines else f"{self.name} failed")
        page = PAGE.search(reason)
        docs = os.path.relpath(site.docs_dir, site.root).replace(os.sep, "/")
        path = f"{docs}/{page['page']}" if page else settings.MKDOCS
        reason = reason.removeprefix("Python error: ")
        return build_failed(f"{self.label} stopped: {reason}", path,
                            hint="read the message: it names the page, template or setting where the engine stopped")

    def theme_dirs(self) -> list[Path]:
        templates = package_folder("zensical", "templates")
        return [templates] if templates else []


def without_unlisted_search(mkdocs: dict) -> dict:
    """`plugins` as MkDocs means it: a list without "search" has no search (the lock, medsite.sources.config_lock,
    allows no other plugin). Zensical builds its search index (search.json) unless told not to; this site
    searches with Pagefind, so that index would be an unused file and, measured on the real site, 0.13 billion
    instructions of the build (0.05 of them what a bare build spends on it, the rest indexing the footnotes and
    references our steps add).
    Without a `plugins` key both engines search."""
    plugins = mkdocs.get("plugins")
    if not isinstance(plugins, (list, dict)) or "search" in config_lock.entry_names(plugins):
        return {}
    return {"plugins": {"search": {"enabled": False}}}


ENGINE = Zensical()
