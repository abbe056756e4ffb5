"""EVID: words that overstate evidence, and numbers stated without a citation."""

from __future__ import annotations

import re

from ...diagnostics import Diagnostic
from ... import citations

SKIP_LINE = re.compile(r"^\s*(?:-{1,}8<-{1,}|\|?\s*:?-{3,}|\[[^\]]+\]:\s*\S+\s*$|<!--)")
HEADING = re.compile(r"^\s*#{1,6}\s")
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+"([^"]*)")?\s*$')
NOISE = [
    (re.compile(r"\]\([^)]*\)"), "]"),  # link targets
    (re.compile(r"<[^>]+>"), " "),  # HTML tags
    (re.compile(r"\{[^}]*\}"), " "),  # attribute lists
    (re.compile(r"\bCC BY(?:-[A-Z]{2})* \d\.\d\b"), "CC licence"),  # licence names are not claims
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+"), ""),  # list markers
]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
TABLE_ROW = re.compile(r"^\s*\|")
NUMBER = re.compile(r"(?<![\w./-])\d[\d,.]*\s*(?:%|percent\b)?")


def _clean(text: str) -> str:
    for pattern, repl in NOISE:
        text = pattern.sub(repl, text)
    return text


def paragraphs(page):
    """(first line, text, char->line map) for each paragraph of prose, headings and callout titles on their own."""
    lines, start = [], None
    for line_no, text in page.prose_lines():
        if not text.strip() or SKIP_LINE.match(text) or HEADING.match(text) or ADMONITION.match(text):
            if lines:
                yield lines
                lines = []
            if HEADING.match(text) or ADMONITION.match(text):
                yield [(line_no, text, True)]
            continue
        if TABLE_ROW.match(text):  # a table row is one statement: its cells share a citation
            if lines:
                yield lines
                lines = []
            yield [(line_no, text.replace("|", " "), False)]
            continue
        lines.append((line_no, text, False))
    if lines:
        yield lines


def sentences(page):
    """(line, sentence text, has citation, is heading) for every sentence of prose."""
    for para in paragraphs(page):
        heading = para[0][2]
        joined, marks = "", []
        for line_no, text, _ in para:
            text = _clean(text.strip())
            marks.append((len(joined), line_no))
            joined += text + " "
        pos = 0
        for piece in SENTENCE_END.split(joined) + [""]:
            if not piece:
                continue
            at = joined.find(piece, pos)
            pos = at + len(piece)
            line = max((ln for off, ln in marks if off <= at), default=para[0][0])
            has_cite = bool(citations.CITATION.search(piece))
            yield line, citations.CITATION.sub(" ", piece), has_cite, heading


def check(project):
    words = project.config.get("words_to_avoid") or []
    # One pass with all the words first: most sentences contain none of them.
    any_word = re.compile("|".join(f"(?:{p.pattern})" for p, _ in words), re.I) if words else None
    number_types = set(project.config.get("number_citation_page_types") or [])
    for page in project.pages:
        if not page.page:
            continue
        needs_numbers = page.page.meta.get("page_type") in number_types
        for line, text, has_cite, heading in sentences(page):
            for pattern, allow in (words if any_word and any_word.search(text) else ()):
                for m in pattern.finditer(text):
                    if any(a.search(text) for a, _ in allow):
                        continue
                    yield Diagnostic("EVID001", f"word to avoid '{m.group(0)}'", page.rel, line, target=m.group(0),
                                     hint="say what was studied, in whom, what it showed and what is unknown")
            if needs_numbers and not heading and not has_cite:
                m = NUMBER.search(text)
                if m:
                    yield Diagnostic("EVID002", f"number '{m.group(0).strip()}' without a citation in the same sentence",
                                     page.rel, line, target=m.group(0).strip(),
                                     hint="add [@key] before the full stop, or write the number in words if it is not a claim")
