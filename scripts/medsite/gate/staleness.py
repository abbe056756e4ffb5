"""`make check` on a site/ built before the latest edit would check old pages and say all is well.

The built site's age is its home page's modification time (MkDocs writes
every page afresh into an empty staging folder); any source file changed
after it makes the site stale.
"""

from __future__ import annotations

import os
from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("GATE006", ERROR,
         what="`make check` was asked to check a site/ built before the latest change to the sources.",
         why="It would check old pages and report all is well.",
         fix="Run `make site`: it builds and checks in one go (on a pull request the checks do this for you on every push).",
         where="situation",
         bad="docs/about-ms/types.md was saved after site/ was built; then `make check` ran.",
         good="`make site` ran after the last change: it builds and checks in one go."),
)

SOURCES = ("mkdocs.yml", "gate.yml", "verification.lock.json", "docs", "includes", "overrides", "reviews.yml")


def _files(root: Path):
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for folder, _, files in os.walk(path):
                for f in files:
                    yield Path(folder) / f


def stale_site(root: Path, site_dir: Path) -> Diagnostic | None:
    """GATE006 naming the newest source changed after the site was built, or None."""
    home = site_dir / "index.html"
    try:
        built = (home if home.exists() else site_dir).stat().st_mtime
    except OSError:
        return None
    newest, when = None, built
    for path in _files(root):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if mtime > when:
            newest, when = path, mtime
    if newest is None:
        return None
    rel = site_dir.relative_to(root).as_posix() if site_dir.is_relative_to(root) else site_dir.as_posix()
    return Diagnostic("GATE006", f"{rel}/ was built before the last change to {newest.relative_to(root).as_posix()}, "
                      "so checking it would check old pages", rel,
                      hint="run `make site`: it builds and checks in one go (on a pull request the checks do this for you on every push)")
