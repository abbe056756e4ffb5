"""The files a page's snippet lines (pymdownx.snippets) would insert, read as pymdownx.snippets reads them.

Both forms are found: the line form (--8<-- "file.md", or 'file.md') and the block form, where a line
of dashes and 8< alone opens a block whose every line names a file, until the next such line. The
grammar is the extension's own (its patterns and its way of splitting `file.md:1:5` or `file.md:name`),
so the gate and the engine cannot read a line differently. Snippets are expanded before code blocks
are recognised, so lines inside a fence count too.

`outside` says whether a named file lies outside includes/: an absolute path, a URL, `..`, or a
symbolic link that leads out of the folder. pymdownx.snippets with `restrict_base_path: false`
would read any of them; with the default it still follows links.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor

# The extension's own line patterns and path splitting; split_path reads only class attributes.
_GRAMMAR = object.__new__(SnippetPreprocessor)


@dataclass(frozen=True)
class SnippetRef:
    """A file a page includes with `--8<--`, and the line that names it."""

    line: int  # the file's line number
    path: str  # as written, without a line range or section
    block: bool  # named inside a --8<-- block


def find(text: str, first_line: int = 1) -> list[SnippetRef]:
    """Every file the lines of `text` name for inclusion, in order."""
    found: list[SnippetRef] = []
    block = False
    for number, line in enumerate(text.split("\n"), first_line):
        m = SnippetPreprocessor.RE_ALL_SNIPPETS.match(line)
        if m:
            if m.group("escape"):
                continue  # ;--8<-- is shown as text
            if m.group("inline_marker"):
                if not block:  # a line form directly inside a block is ignored by the extension
                    _add(found, number, m.group("snippet")[1:-1], block=False)
                continue
            block = not block
            continue
        if block:
            _add(found, number, line, block=True)
    return found


def _add(found: list, number: int, written: str, *, block: bool) -> None:
    path = written.strip()
    if not path or path.startswith(";"):  # an empty line, or one commented out
        return
    parts = _GRAMMAR.split_path(path)
    path = (parts[0] if parts else path).strip()
    if path:
        found.append(SnippetRef(number, path, block))


def outside(path: str, includes_dir: Path) -> bool:
    """Whether `path` (as a snippet names it) is, or leads, anywhere but a file under includes_dir."""
    if "://" in path or path.startswith(("/", "\\", "~")) or os.path.isabs(path) or "\\" in path:
        return True
    if ".." in Path(path).parts:
        return True
    base = os.path.realpath(includes_dir)
    target = os.path.realpath(os.path.join(includes_dir, path))
    return os.path.commonpath([base, target]) != base
