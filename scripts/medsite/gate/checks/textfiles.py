"""EVID020, and EVID001-EVID002 in the files MkDocs copies as they are: every text a reader can open.

A static .html or .svg file under docs/ is published as written, outside the Markdown checks: its text,
title, description, alt and title attributes get the same words-to-avoid check (EVID001) as a page, and
a static .html page the number check too (EVID002; a number needs a link to its References entry,
`references/#ref-KEY`, in the same sentence). A drawing's labels (.svg) are not sentences with claims:
only their wording is checked. Text is read through `readertext.reader_text`, like the pages.

Bidirectional controls (EVID020) are refused in every text file under docs/ and includes/, pages and
bibliography included: they make the text a reviewer reads differently from the text a reader sees.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.core.readertext import bidi_controls, reader_text
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.core.wording import find_all
from medsite.gate import safety_policy as policy
from medsite.gate.checks.evidence import NUMBER
from medsite.gate.checks.prose import SENTENCE_END
from medsite.sources.site import files_with_suffixes

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "EVID020",
        ERROR,
        what="A bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), written as itself "
        "or as a character reference, in a page, a snippet, the bibliography or a file under docs/.",
        why="It makes the browser draw the text in another order than it is written: a reviewer reads one text and the "
        "reader another (a right-to-left override draws 'elcarim' as 'miracle').",
        fix="Delete the character (most editors show it as a gap or a mark; `make site` names its line) and retype the "
        "words around it; from the browser, retype the line in GitHub's editor.",
        bad="Stem cells &#x202E;eruc&#x202C; MS [@smith2020].",
        good="Stem cells do not cure MS [@smith2020].",
    ),
)

_SOURCE_SUFFIXES = (
    frozenset({".md", ".markdown", ".yaml", ".yml", ".txt", ".css"}) | policy.HTML_SUFFIXES | policy.SVG_SUFFIXES
)


def bidi_diagnostics(project):
    for folder in (Path(project.docs_dir), Path(project.includes_dir)):
        for path in files_with_suffixes(folder, _SOURCE_SUFFIXES):
            rel = path.relative_to(project.root).as_posix()
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # unreadable files are reported where the project is read
            if "&" not in text and not bidi_controls(text):
                continue
            for line_no, line in enumerate(text.splitlines(), 1):
                names = bidi_controls(html.unescape(line) if "&" in line else line)  # &#x202E; and &rlm; too
                if names:
                    yield Diagnostic(
                        "EVID020",
                        f"bidirectional control character {names[0]}"
                        f"{f' (and {len(names) - 1} more)' if len(names) > 1 else ''}: the browser draws this "
                        "line in another order than it is written",
                        rel,
                        line_no,
                        target=names[0],
                        hint="delete the character and retype the words around it",
                    )


# --- static .html and .svg files --------------------------------------------------------------------------

_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "tspan",
        "u",
        "var",
        "wbr",
    }
)
_HIDDEN = frozenset({"script", "style", "template"})
_SEEN_ATTRS = ("alt", "title", "aria-label", "aria-description", "placeholder")
_META_NAMES = re.compile(r"^(?:description|og:title|og:description|twitter:\w+)$", re.I)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "title"})
_CITATION_HREF = re.compile(r"#ref-[\w.:-]+$")


class _Block:
    def __init__(self, place: str):
        self.place = place
        self.chunks: list[tuple[int, int]] = []  # (offset in text, line)
        self.text = ""
        self.cites: list[int] = []  # offsets of links to a References entry

    def add(self, text: str, line: int):
        self.chunks.append((len(self.text), line))
        self.text += text

    def line_at(self, offset: int) -> int:
        """The file line of the character at `offset` of the block's text."""
        off, line = max(
            ((o, ln) for o, ln in self.chunks if o <= offset), default=(0, self.chunks[0][1] if self.chunks else 1)
        )
        return line + self.text.count("\n", off, offset)


class _Reader(HTMLParser):
    """The texts of an HTML or SVG file a reader sees, as blocks with their lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.current = _Block("body")
        self.hidden = 0
        self.place = "body"

    def _flush(self, place: str = "body"):
        if self.current.text.strip():
            self.blocks.append(self.current)
        self.current = _Block(place)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attrs = dict(attrs)
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag not in _INLINE:
            self._flush("heading" if tag in _HEADINGS else "body")
        elif tag == "a" and _CITATION_HREF.search(attrs.get("href") or ""):
            self.current.cites.append(len(self.current.text))
        for name in _SEEN_ATTRS:
            if attrs.get(name):
                block = _Block("alt text" if name == "alt" else f"{name} attribute")
                block.add(attrs[name], line)
                self.blocks.append(block)
        if (
            tag == "meta"
            and _META_NAMES.match(attrs.get("name") or attrs.get("property") or "")
            and attrs.get("content")
        ):
            block = _Block("description")
            block.add(attrs["content"], line)
            self.blocks.append(block)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in _INLINE:
            self._flush()

    def handle_data(self, data):
        if not self.hidden:
            self.current.add(data, self.getpos()[0])

    def close(self):
        super().close()
        self._flush()


def read_blocks(text: str) -> list[_Block]:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.blocks


def static_diagnostics(project, families):
    for path in project.sources.copied_files(policy.HTML_SUFFIXES | policy.SVG_SUFFIXES):
        rel = path.relative_to(project.root).as_posix()
        try:
            blocks = read_blocks(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue  # unreadable files are reported where the project is read
        numbers = path.suffix.lower() in policy.HTML_SUFFIXES
        for block in blocks:
            pos = 0
            for match in (*SENTENCE_END.finditer(block.text), None):  # split as written, so offsets give lines
                end = match.start() if match else len(block.text)
                written, start = block.text[pos:end], pos
                pos = match.end() if match else end
                line = block.line_at(start + len(written) - len(written.lstrip()))
                sentence = reader_text(written, decode=False)
                for family, word in find_all(sentence, families):
                    family_note = f" (family '{family.name}')" if family.name.lower() != word.lower() else ""
                    yield Diagnostic(
                        "EVID001",
                        f"word to avoid '{word}'{family_note} in a file published as it is ({block.place})",
                        rel,
                        line,
                        target=word,
                        hint="say what was studied, in whom, what it showed and what is unknown",
                    )
                m = NUMBER.search(sentence)
                if numbers and m and block.place == "body" and not any(start <= c <= end for c in block.cites):
                    yield Diagnostic(
                        "EVID002",
                        f"number '{m.group(0).strip()}' without a citation in the same sentence, "
                        "in a file published as it is",
                        rel,
                        line,
                        target=m.group(0).strip(),
                        hint="link the sentence to the work's entry on the References page (references/#ref-KEY), "
                        "or write the number in words if it is not a claim",
                    )


@gate_check(stage=SOURCE)
def check(project):
    yield from bidi_diagnostics(project)
    yield from static_diagnostics(project, project.config.get("words_to_avoid") or [])
