"""What readers see is what the templates make: files under docs/ may not rewrite it.

- CSS001/CSS002: every stylesheet under docs/ is parsed as a browser parses it (tinycss2); a parse
  error is reported at its line (a browser would read the rest of the file differently from its
  author), and no rule may hide, move, cover or rewrite the furniture (medsite.gate.css_check).
- SAFE023: no file under docs/ may sit where the theme's or our own assets are published
  (assets/stylesheets/, assets/javascripts/, the search index...): MkDocs would publish the copy in
  their place, and a copy of the theme's stylesheet overrides every rule of it.
- SAFE021: symbolic links under docs/ and includes/ (medsite.sources.links), also refused before
  any engine runs; reported here too so that the gate alone and `make serve` say it.
"""

from __future__ import annotations

import os
from pathlib import Path

from medsite.build import engines
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.gate import css_check
from medsite.sources.links import refused_links

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE023", ERROR,
         what="A file under docs/ would be published where the theme's or the site's own assets are (assets/stylesheets/, assets/javascripts/, the search index, a theme file's path).",
         why="MkDocs publishes it in their place: a copy of the theme's stylesheet or script rewrites every page.",
         fix="Move the file to another folder (docs/assets/figures/ for images); site styles go in docs/assets/site.css.",
         where="docs/assets/",
         bad="stylesheets/main.342714a4.min.css",
         good="figures/diagram.png"),
)

# Where the theme, our overrides and the build publish their own files (site-relative).
RESERVED_FOLDERS = ("assets/stylesheets/", "assets/javascripts/", "assets/images/", "pagefind/", "search/")
RESERVED_FILES = frozenset({"404.html", "_headers", "sitemap.xml", "sitemap.xml.gz", "changes.xml"})  # changes.xml: the feed


def _files(folder: Path):
    """Every regular file under ``folder``, links not followed (they are SAFE021)."""
    for current, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(current) / name
            if not path.is_symlink() and path.is_file():
                yield path


def _theme_folders(project) -> list[Path]:
    """Every folder whose files a theme or our overrides publish, for every engine the site builds with."""
    folders = dict.fromkeys(d for engine in engines.ENGINES.values() for d in engine.template_dirs(project.sources))
    return list(folders)


def _shadows(sub: str, theme_folders: list[Path]) -> bool:
    if sub in RESERVED_FILES or sub.startswith(RESERVED_FOLDERS):
        return True
    return any((folder / sub).is_file() for folder in theme_folders)


@gate_check(stage=SOURCE)
def check(project):
    root, docs = project.root, project.docs_dir
    yield from refused_links(root, (docs, project.includes_dir))
    if not docs.is_dir() or docs.is_symlink():
        return
    theme_folders = _theme_folders(project)
    for path in _files(docs):
        sub = path.relative_to(docs).as_posix()
        rel = path.relative_to(root).as_posix()
        if _shadows(sub, theme_folders):
            yield Diagnostic("SAFE023", f"'{sub}' would be published where the theme's or the site's own files are",
                             rel, None, target=sub, hint=RULES["SAFE023"].fix)
        if path.suffix.lower() != ".css":
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            yield Diagnostic("CSS001", f"cannot read the stylesheet as UTF-8: {exc}", rel, 1, hint=css_check.RULES["CSS001"].fix)
            continue
        for finding in css_check.check(text):
            yield Diagnostic(finding.code, finding.message, rel, finding.line, hint=css_check.RULES[finding.code].fix)
