"""What the theme ships: its inline scripts and its asset files.

The output check allows an inline <script> only if a template of Material or of our overrides has
it, and a script file only if it is a byte-for-byte copy of a file the theme ships. Editors'
content can add neither. Which template folders count is the engine's to say
(medsite.build.engines: Engine.template_dirs).
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}", re.S)
# What a template expression inside a known script may expand to: the page's base URL, the only value
# the theme's scripts print: relative (".", "..", "../..") on pages, the site's own path ("/", "/docs/")
# on the 404 page. No scheme, host or "//", so no script shaped like a template's (a redirect to
# another site, say) passes for one: trust is never by shape.
_EXPANSION = r"(?:\.\.?(?:/\.\.)*|/(?:[\w~%-][\w~%.-]*/)*)"
# Templates the site never renders, whose scripts are not ours to allow: redirect.html is written
# only by the redirects plugin, which the site does not run (its script sends readers to a URL).
_NEVER_RENDERED = frozenset({"redirect.html"})


@lru_cache(maxsize=8)
def _inline_patterns(dirs: tuple[Path, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(source) for source in _inline_sources(dirs))


@lru_cache(maxsize=8)
def _inline_sources(dirs: tuple[Path, ...]) -> tuple[str, ...]:
    """The templates' inline scripts as regular expressions, not yet compiled: a build whose pages' verdicts
    are kept (medsite.output.csp_verdicts) needs only their text, and compiling them cost more than reading
    the templates (issue 19)."""
    patterns = []
    for folder in dirs:
        for path in _templates(folder):
            if path.relative_to(folder).as_posix() in _NEVER_RENDERED:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for body in _INLINE_SCRIPT.findall(text):
                if "{%" in body:  # a script assembled by template logic is not one we can recognise
                    continue
                parts = _JINJA.split(body.strip())
                patterns.append(_EXPANSION.join(re.escape(p) for p in parts))
    return tuple(patterns)


def inline_scripts_key(dirs: list[Path]) -> str:
    """What known_inline_script allows, as one string (a key for what was worked out with it)."""
    return "\n".join(_inline_sources(tuple(dirs)))


def _templates(folder: Path) -> list[Path]:
    """Every .html file under `folder` outside hidden folders, in Path order (symbolic links to folders are not
    followed). Zensical's theme keeps 16,757 icons and no template in `.icons`: skipping hidden folders lists
    122 files instead of 16,879. A template kept in one would only have its scripts refused (OUT003), never
    another script allowed."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found += [Path(parent, name) for name in files if name.endswith(".html")]
    return sorted(found)


def known_inline_script(text: str, dirs: list[Path]) -> bool:
    body = text.strip()
    return any(p.fullmatch(body) for p in _inline_patterns(tuple(dirs)))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_theme_file(output_file: Path, sub: str, dirs: list[Path]) -> bool:
    """True when ``sub`` (a path inside the site) is an unchanged copy of the same file in a theme folder."""
    for folder in dirs:
        candidate = folder / sub
        if candidate.is_file():
            try:
                return _digest(candidate) == _digest(output_file)
            except OSError:
                return False
    return False
