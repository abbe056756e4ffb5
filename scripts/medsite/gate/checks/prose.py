"""The sentences of a Markdown page as a reader will read them, each with its line and the keys it cites.

Shared by the evidence checks (EVID001-EVID004). Markup that a reader never
sees is removed (link targets, tags, attribute lists, list markers); what a
reader does see is kept (link text, alt text, the alt and title of raw <img>);
character references are decoded and invisible characters dropped
(`readertext.reader_text`), so `&#99;ure` and `cu&shy;re` read as "cure".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medsite.core.readertext import reader_text
from medsite.markdown import citations

SKIP_LINE = re.compile(r"^\s*(?:-{1,}8<-{1,}|\|?\s*:?-{3,}|\[[^\]]+\]:\s*\S+\s*$|<!--)")
HEADING = re.compile(r"^\s*#{1,6}\s")
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+"([^"]*)")?\s*$')
TABLE_ROW = re.compile(r"^\s*\|")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[*_]*[A-Z0-9])")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

_SEEN_ATTRS = re.compile(r"""\b(?:alt|title|aria-label)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# Tags that sit inside a word without breaking it ("cu<b>re</b>" reads "cure").
# A tag ends at its '>' and never spans another '<': from each '<' the scan stops at the next one,
# so a line of thousands of '<' is read once (with `[^>]`, from each '<' to the line's end: quadratic).
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)\b[^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]+>")
_IN_WORD_EMPHASIS = re.compile(r"(?<=\w)[*_]+(?=\w)")  # "cu**re**" reads "cure"
NOISE = [
    # A link's or image's title, `[text](url "title")`, is shown on hover: kept, its target dropped.
    (re.compile(r"""\]\(\s*<?[^\s()<>"']*>?\s+(?:"([^"]*)"|'([^']*)')\s*\)"""), r"] \1\2"),
    (re.compile(r"\]\((?:[^)\]]|\](?!\())*\)"), "]"),  # link targets (never spanning another '](': linear)
    (re.compile(r"\{[^{}]*\}"), " "),  # attribute lists (never spanning another '{': linear)
    (re.compile(r"\bCC BY(?:-[A-Z]{2})* \d\.\d\b"), "CC licence"),  # licence names are not claims
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+"), ""),  # list markers
    (re.compile(r"^\s*\*\[[^\]]+\]:\s*"), ""),  # abbreviation definitions: the reader sees the meaning
]


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str  # as a reader reads it, citations removed
    keys: tuple[str, ...]  # the works cited in this sentence
    place: str  # "body", "heading", "title" or "description"

    @property
    def has_cite(self) -> bool:
        return bool(self.keys)


def _tag_text(m: re.Match) -> str:
    seen = " ".join(a or b for a, b in _SEEN_ATTRS.findall(m.group(0)))
    return f" {seen} " if seen else " "


def clean(text: str) -> str:
    """One line of Markdown as the reader sees it."""
    text = reader_text(text)
    text = _INLINE_TAG.sub(lambda m: _tag_text(m) if _SEEN_ATTRS.search(m.group(0)) else "", text)
    text = _TAG.sub(_tag_text, text)
    for pattern, repl in NOISE:
        text = pattern.sub(repl, text)
    return _without_in_word_emphasis(text)


def _without_in_word_emphasis(text: str) -> str:
    """"cu**re**" reads "cure"; a citation key keeps its underscores ([@fda2024_ryoncil] is a key, not emphasis)."""
    if "[" not in text:
        return _IN_WORD_EMPHASIS.sub("", text)
    out, pos = [], 0
    for m in citations.CITATION.finditer(text):
        out += [_IN_WORD_EMPHASIS.sub("", text[pos:m.start()]), m.group(0)]
        pos = m.end()
    return "".join(out) + _IN_WORD_EMPHASIS.sub("", text[pos:])


def paragraphs(page):
    """Lists of (line, text, place): paragraphs of prose, with headings and callout titles on their own."""
    lines = []
    for line_no, text in page.prose_lines():
        heading = HEADING.match(text) or ADMONITION.match(text)
        if not text.strip() or SKIP_LINE.match(text) or heading:
            if lines:
                yield lines
                lines = []
            if heading:
                yield [(line_no, text, "heading")]
            continue
        if TABLE_ROW.match(text):  # a table row is one statement: its cells share a citation
            if lines:
                yield lines
                lines = []
            yield [(line_no, text.replace("|", " "), "body")]
            continue
        if LIST_ITEM.match(text) and lines:  # each list item is its own statement, with its own citation
            yield lines
            lines = []
        lines.append((line_no, text, "body"))
    if lines:
        yield lines


def _split(para, place):
    joined, marks = "", []
    for line_no, text, _ in para:
        marks.append((len(joined), line_no))
        joined += clean(text.strip()) + " "
    # A locator's full stop ("[@burt2019, p. 170]") ends no sentence: split where the citations are masked.
    masked = citations.CITATION.sub(lambda m: "@" * len(m.group(0)), joined)
    pos = 0
    for match in (*SENTENCE_END.finditer(masked), None):
        end = match.start() if match else len(joined)
        at, piece = pos, joined[pos:end]
        pos = match.end() if match else end
        if not piece.strip():
            continue
        line = max((ln for off, ln in marks if off <= at), default=para[0][0])
        yield Sentence(line, citations.CITATION.sub(" ", piece).strip(), tuple(citations.keys_in(piece)), place)


def sentences(page, *, front_matter: bool = False) -> list[Sentence]:
    """Every sentence a reader reads in the page body; with `front_matter`, also its title and description.

    Read once per page: several checks walk the same sentences.
    """
    cache = page.__dict__.setdefault("_sentences", {})
    if front_matter not in cache:
        cache[front_matter] = list(_sentences(page, front_matter))
    return cache[front_matter]


def _sentences(page, front_matter: bool):
    if not page.page:
        return
    if front_matter:
        for key in ("title", "description"):
            value = page.page.meta.get(key)
            if isinstance(value, str) and value.strip():
                yield from _split([(page.page.line_of(key), value, key)], key)
    for para in paragraphs(page):
        yield from _split(para, para[0][2])
