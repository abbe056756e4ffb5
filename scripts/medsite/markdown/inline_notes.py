"""Pandoc's inline notes (`text^[the note's own words [@key]]`) as Python-Markdown footnotes.

Python-Markdown's footnotes extension has no inline notes, so `^[...]` would reach readers as
text. Each one outside code becomes a reference `[^inline-N]` and a definition at the end of
the page, numbered with the other footnotes in reading order. A `^[` whose bracket never
closes within its paragraph is left as written (the gate's CITE005 finds it in the built page).
"""

from __future__ import annotations

from medsite.markdown.structure import code_spans

OPENER = "^["
NOTE_PREFIX = "inline-"


def _closing(text: str, start: int) -> int | None:
    """Offset of the ']' that closes the '[' at `start`, within its paragraph; None if none does."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        elif char == "\n" and _blank_follows(text, i + 1):
            return None  # a blank line ends the paragraph
        i += 1
    return None


def _blank_follows(text: str, i: int) -> bool:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i >= len(text) or text[i] == "\n"


def to_footnotes(text: str) -> str:
    """`text` with each inline note outside code made a footnote reference and definition."""
    if OPENER not in text:
        return text
    code = code_spans(text)
    out, notes, pos = [], [], 0
    search = 0
    while True:
        start = text.find(OPENER, search)
        if start < 0:
            break
        search = start + len(OPENER)
        if start < pos or start in code or (start > 0 and text[start - 1] == "\\"):
            continue
        end = _closing(text, start + 1)
        if end is None:
            continue
        notes.append(" ".join(text[start + 2 : end].split()))
        out.append(text[pos:start])
        out.append(f"[^{NOTE_PREFIX}{len(notes)}]")
        pos = end + 1
        search = pos
    if not notes:
        return text
    out.append(text[pos:])
    definitions = "\n".join(f"[^{NOTE_PREFIX}{n}]: {note}" for n, note in enumerate(notes, 1))
    return "".join(out).rstrip("\n") + "\n\n" + definitions + "\n"
