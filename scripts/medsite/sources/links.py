"""Symbolic links among the files editors change (docs/, includes/): refused before any engine runs.

MkDocs copies what a link points to, so a link under docs/ to /proc/self/environ, ~/.ssh or the
project's own secrets would be published as the reader's file; a link in includes/ would be pasted
into a page. Nothing the site needs is a link, so every one is refused at its own path, whatever it
points to (a folder, a file, nothing), and the engine never reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE021", ERROR,
         what="A symbolic link under docs/ or includes/.",
         why="The engine publishes (or pastes into a page) whatever the link points to: a file outside the project such as /proc/self/environ would reach readers.",
         fix="Replace the link with a copy of the file itself (or remove it).",
         where="docs/ (a symbolic link)",
         bad="docs/assets/settings.txt -> /proc/self/environ",
         good="docs/assets/settings.txt"),
)


def links_under(root: Path, folders) -> list[str]:
    """Project-relative paths of every symbolic link in ``folders`` (the folders themselves included), sorted."""
    found = []
    for folder in folders:
        if os.path.islink(folder):
            found.append(folder)
            continue
        if not os.path.isdir(folder):
            continue
        for current, dirnames, filenames in os.walk(folder, followlinks=False):
            for name in dirnames + filenames:
                path = Path(current) / name
                if path.is_symlink():
                    found.append(path)
    return sorted(os.path.relpath(p, root).replace(os.sep, "/") for p in found)


def refused_links(root: Path, folders) -> list[Diagnostic]:
    """One SAFE021 per symbolic link, at its path."""
    out = []
    for rel in links_under(root, folders):
        try:
            target = os.readlink(root / rel)
        except OSError:
            target = "?"
        out.append(Diagnostic("SAFE021", f"symbolic link (to {target[:80]!r}): the engine would publish what it points to",
                              rel, None, target=rel, hint=RULES["SAFE021"].fix))
    return out
