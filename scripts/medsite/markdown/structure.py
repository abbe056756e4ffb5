"""Markdown's structure as the citation step and the gate both read it.

Where a page has code (fenced blocks, indented blocks and inline code), and the
line patterns of headings, footnotes and snippet includes. Citations, footnote
markers and evidence rules must leave code alone, and the citation step (in
MkDocs) and the gate must agree on what code is and what a heading or footnote
is, so both ask this module. It follows Python-Markdown's rules (4-space tab length): a block
indented 4 more than its container, after a blank line, is code; inside a list
item, admonition or footnote the container's own content sits 4 deeper, so
those blocks need 8.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# Lines whose following indented lines belong to them: list items, admonitions and
# details (pymdownx), footnote definitions, definition-list bodies.
_CONTAINER = re.compile(r"^(?:[-*+][ \t]|\d+[.)][ \t]|!!!|\?\?\?\+?|\[\^[^\]\s]+\]:|:[ \t])")
# Inline code as Python-Markdown reads it: a run of backticks closed by a run of the same
# length, within one paragraph (never across a blank line).
_INLINE_CODE = re.compile(r"(?<![`\\])(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # what str.splitlines splits on
# A raw HTML block: Python-Markdown passes everything up to its closing tag through
# as HTML, indented lines included (unless `markdown` asks for Markdown inside).
_HTML_BLOCK = re.compile(
    r"^ {0,3}<(address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form|header|main|nav|ol|"
    r"section|table|ul|script|style|iframe|object|embed|noscript|video|audio|canvas|svg|template)\b([^>]*)", re.I)
TAB = 4

# An ATX heading line: level marks, text, and an optional attribute list's {#id}.
# Linear on any line: the title ends at a non-space, the spaces after it are taken once (possessive),
# an attribute list is tried only when it closes. (`(.*?)\s*(...)?\s*#*\s*$` split a run of spaces
# and tabs every way: a heading of 2 kB of ' \t' took minutes.)
HEADING = re.compile(r"^(#{1,6})\s+(|\S(?:.*?\S)??)[^\S\n]*+(?:\{(?=[^{}]*\})[^{}]*#([\w-]+)[^{}]*\})?(?:\s*#+)?\s*$")
# A footnote definition ("[^name]: text") and a reference to one ("[^name]", not an image, not a definition).
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
FOOTNOTE_REFERENCE = re.compile(r"(?<!!)\[\^([^\]\[\s]+)\](?!:)")  # a name never spans another '[': linear
# A pymdownx.snippets include line: --8<-- "file.md" (any number of dashes on each side).


def _indent(line: str) -> int:
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(TAB))


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside a fenced or indented code block."""
    mask = []
    fence = None
    containers: list[int] = []  # content indent of each open container, innermost last
    after_blank, after_heading, in_code = True, False, False
    html_tag, html_depth = None, 0  # the open raw HTML block, and how deeply its tag nests
    for line in lines:
        text = line.rstrip("\r\n")
        if html_tag is not None:  # raw HTML is never code: the SAFE checks must see it
            mask.append(False)
            html_depth += len(re.findall(rf"<{html_tag}\b", text, re.I)) - len(re.findall(rf"</{html_tag}\s*>", text, re.I))
            if html_depth <= 0:
                html_tag, after_blank = None, False
            continue
        if fence is not None:
            mask.append(True)
            m = _FENCE.match(text)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not text[m.end():].strip():
                fence = None
            continue
        if not text.strip():
            mask.append(False)
            after_blank = True
            continue
        indent = _indent(text)
        if after_blank:  # after a blank line, a line less indented than a container ends it
            # (without one it is a lazy continuation and the container stays open)
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        starts_code = after_blank or after_heading
        after_blank, after_heading = False, False
        if indent >= base + TAB and (in_code or starts_code):
            in_code = True
            mask.append(True)
            continue
        in_code = False
        html = _HTML_BLOCK.match(text) if not containers else None
        if html and "markdown" not in html.group(2):
            tag = html.group(1).lower()
            depth = len(re.findall(rf"<{tag}\b", text, re.I)) - len(re.findall(rf"</{tag}\s*>", text, re.I))
            if depth > 0:
                html_tag, html_depth = tag, depth
            mask.append(False)
            continue
        m = _FENCE.match(text)
        mask.append(bool(m))
        if m:
            fence = m.group(1)
            continue
        body = text.lstrip(" \t")
        if _CONTAINER.match(body):
            while containers and indent < containers[-1]:
                containers.pop()
            containers.append(indent + TAB)
        after_heading = body.startswith("#")
    return mask


class Spans:
    """Sorted, non-overlapping character ranges; `in` answers in log time."""

    def __init__(self, ranges):
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    @property
    def ranges(self) -> list[tuple[int, int]]:
        return list(zip(self._starts, self._ends, strict=True))

    def shifted(self, by: int) -> Spans:
        return Spans((start + by, end + by) for start, end in zip(self._starts, self._ends, strict=True))

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]


def code_spans(text: str) -> Spans:
    """Character ranges of code blocks (fenced or indented) and inline code in `text` (shared: never change it)."""
    # Line breaks before the first line change no line's meaning: one scan serves a page's body as the
    # front matter parser gives it and as the engine gives it (without them).
    body = text.lstrip("\r\n")
    spans = _code_spans(body)
    return spans if len(body) == len(text) else spans.shifted(len(text) - len(body))


# One page's text is asked about by the citation step, its near misses, the References page, the engine's
# refusal of bad input and the gate's checks: room for every page of a site of up to 2,000 pages.
@lru_cache(maxsize=2048)
def _code_spans(text: str) -> Spans:
    lines = text.splitlines(keepends=True)
    ranges, pos, start = [], 0, None
    for line, in_code in zip(lines, code_lines(lines), strict=True):
        if in_code and start is None:
            start = pos
        elif not in_code and start is not None:
            ranges.append((start, pos))
            start = None
        pos += len(line)
    if start is not None:
        ranges.append((start, pos))
    blocks = Spans(ranges)
    inline = [m.span() for m in _INLINE_CODE.finditer(text) if m.start() not in blocks] if "`" in text else []
    return Spans(ranges + inline)


def blank_code(text: str) -> str:
    """`text` with every character of code replaced by a space (line breaks kept, so lines
    and columns stay where they were): what the prose checks read."""
    pieces, pos = [], 0
    for start, end in code_spans(text).ranges:
        pieces.append(text[pos:start])
        pieces.append("".join(c if c in _LINE_BREAKS else " " for c in text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
