"""Find Pandoc citations in Markdown and turn them into footnotes.

The forms (compared with Pandoc's manual, "Citation syntax"): `[@key]`, `[@a; @b]`, a locator after a
comma `[@key, p. 12]` (escaped brackets kept: `p. \\[89\\]`), a prefix `[see @key, p. 3]` and author
suppression `[-@key]`. Citations inside code are left alone, and so are e-mail addresses and `\\@`.
Each cited work becomes one footnote `[^cite-key]`, so Python-Markdown numbers works by first use and
a work cited twice keeps its number; a citation with a prefix gets a note of its own whose text is the
prefix and the reference ("see <reference>"), as Pandoc writes it in a note style. A locator stays
beside the number in the text (after a reference that ends in a DOI, ", p. 3" would read as part of it).
`[-@key]` reads as `[@key]`: a numbered footnote never prints the author. The footnote text is a
placeholder that the hook swaps for the CSL-formatted reference after Markdown has run, so titles and
DOIs are never mangled by Markdown. The near-misses that would reach readers as text are in
medsite.markdown.citation_syntax.
"""

from __future__ import annotations

import bisect
import html
import re
import secrets
from dataclasses import dataclass, replace
from functools import lru_cache

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.markdown import structure
from medsite.markdown.structure import code_spans

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("REF001", ERROR,
         what="A page cites a key that is not in the bibliography.",
         why="Readers would see a citation that leads nowhere.",
         fix="Use a key from docs/references.yaml (the message suggests the closest), or add the verified work first.",
         bad="MS affects the brain [@smith2002].",
         good="MS affects the brain [@smith2020]."),
)

_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
# A locator ("p. 170") runs to the next ';' or ']' and is taken whole (atomic), never spanning a '[':
# so from each '[' the scan ends at the next one, and a run of spaces is never split every way
# (`\s*,\s*[^;\]]+` made 28 kB of '[@a, x ' take 15 s, in the engine and in the gate).
# A prefix ("see ", "e.g. ", "-" for author suppression) is taken whole too, up to the '@', which must
# not follow a letter or a backslash (so a@b.org and \\@ are text, as in Pandoc); a backslash takes the
# character after it, so a locator may hold escaped brackets ("p. \\[89\\]").
_PREFIX = r"(?>(?:[^\[\]@;\\]|\\[^\n])*)(?<![\w\\])"
_LOCATOR = r"(?>(?:[^;\[\]\\]|\\[^\n])+)"
_ITEM = rf"{_PREFIX}@{_KEY}(?:\s*,{_LOCATOR})?"
CITATION = re.compile(rf"\[({_ITEM}(?:\s*;{_ITEM})*)\s*\](?!\()")
_ITEM_PARTS = re.compile(rf"(?P<prefix>{_PREFIX})@(?P<key>{_KEY})(?:\s*,(?P<locator>{_LOCATOR}))?")
# HEADING for every line of a text; it starts with the '#' it needs and then looks behind it for the line's start
# (a pattern that starts with '^' is tried at every character). Its first group holds the '#'s after the first.
if not structure.HEADING.pattern.startswith("^(#{1,6})"):
    raise ImportError("medsite.markdown.citations: structure.HEADING no longer starts with ^(#{1,6}); mend _HEADINGS")
_HEADINGS = re.compile("#(?<![^\\n]#)(#{0,5})" + structure.HEADING.pattern[len("^(#{1,6})"):], re.M)



class Placeholders:
    """Stand-ins for formatted references that Markdown passes through untouched.

    Markdown would read `_` or `*` in titles and DOIs as emphasis, so the page
    carries a token and the formatted HTML goes in after Markdown has run. The
    token holds a secret made new for each page render: only the tokens this
    step wrote are replaced, so an editor cannot place a formatted reference
    (markup with quotes) inside an attribute, or name an entry that does not exist.
    """

    # One pattern for every page, its secret compared after a match: a pattern made per page was compiled
    # anew for every page (twice, as Python-Markdown resets each new instance).
    _TOKEN = re.compile(r"MEDSITECITE([0-9a-f]{16})N(\d+)Z")
    _BLOCK = re.compile(r"(?:<p>)?MEDSITEBLOCK([0-9a-f]{16})N(\d+)Z(?:</p>)?")

    def __init__(self):
        self.keys: list[str] = []
        self._secret = secrets.token_hex(8)
        self._numbers: dict[str, int] = {}
        self._blocks: list[str] = []

    @property
    def secret(self) -> str:
        """This render's secret, for other stand-ins of the same page (footnote references)."""
        return self._secret

    def token(self, key: str) -> str:
        if key not in self._numbers:
            self._numbers[key] = len(self.keys)
            self.keys.append(key)
        return f"MEDSITECITE{self._secret}N{self._numbers[key]}Z"

    def block(self, html_text: str) -> str:
        """A stand-in paragraph for HTML made here that Markdown need not read (the References list):
        it goes in, whole, in place of its paragraph, before the references' tokens are replaced."""
        self._blocks.append(html_text)
        return f"MEDSITEBLOCK{self._secret}N{len(self._blocks) - 1}Z"

    def __bool__(self) -> bool:
        return bool(self.keys or self._blocks)

    def substitute(self, html_text: str, format_html, block_html=lambda block: block) -> str:
        """`html_text` with the blocks put in (each through `block_html`), then the formatted references."""
        def ours(replacement):  # a token with another secret is text an editor wrote: left as it is
            return lambda m: replacement(int(m.group(2))) if m.group(1) == self._secret else m.group(0)

        if self._blocks:
            html_text = self._BLOCK.sub(ours(lambda n: block_html(self._blocks[n])), html_text)
        return self._TOKEN.sub(ours(lambda n: format_html(self.keys[n])), html_text)


@dataclass(frozen=True)
class Cite:
    """One work cited in a citation group: its key, locator and prefix, where it is, and the heading above it."""

    key: str
    locator: str | None
    line: int  # 1-based, in the file
    column: int
    heading: str | None  # text of the nearest heading above, for the references page
    anchor: str | None  # explicit {#id} of that heading, if any
    prefix: str | None = None  # "see", "e.g.": written before the key, shown in the citation's own note
    suppress_author: bool = False  # `[-@key]`: the same footnote (a number names no author)


@dataclass(frozen=True)
class Group:
    """One citation in the text (`[@a; @b, p. 3]`): its span in the page and the works it cites."""

    start: int
    end: int
    cites: tuple[Cite, ...]


def _heading_text(text: str) -> str:
    """A heading as the table of contents names it: citations in it become footnote
    markers, which are not part of its text or its id."""
    return re.sub(r"\s{2,}", " ", CITATION.sub("", text)).strip() if "@" in text else text


def find(text: str, *, first_line: int = 1) -> list[Group]:
    """All citation groups outside code, with file line numbers (body starts at `first_line`)."""
    return list(_find(text, first_line))


@lru_cache(maxsize=2048)  # a page's text is read by its render, its near misses and the References page (as code_spans)
def _find(text: str, first_line: int) -> tuple[Group, ...]:
    if "[" not in text:
        return ()
    code = code_spans(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    headings = [(m.start(), _heading_text(m.group(2)), m.group(3)) for m in _HEADINGS.finditer(text) if m.start() not in code]
    heading_starts = [offset for offset, _, _ in headings]

    def line_col(offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(line_starts, offset) - 1
        return index + first_line, offset - line_starts[index] + 1

    groups = []
    for match in CITATION.finditer(text):
        if match.start() in code:
            continue
        above = bisect.bisect_left(heading_starts, match.start()) - 1
        heading = headings[above][1:] if above >= 0 else (None, None)
        cites = []
        for item in _ITEM_PARTS.finditer(match.group(1)):
            line, col = line_col(match.start(1) + item.start("key") - 1)
            locator = item.group("locator").strip() if item.group("locator") else None
            prefix, suppress = _prefix(item.group("prefix"))
            cites.append(Cite(item.group("key"), locator or None, line, col, heading[0], heading[1], prefix, suppress))
        groups.append(Group(match.start(), match.end(), tuple(cites)))
    return tuple(groups)


def _prefix(written: str) -> tuple[str | None, bool]:
    """(the prefix as one line, or None; whether it ends in Pandoc's author suppression '-')."""
    if not written:  # most citations have none
        return None, False
    words = " ".join(written.split())
    suppress = words == "-" or words.endswith(" -")
    if suppress:
        words = words[:-1].rstrip()
    return words or None, suppress
def resolved(group: Group, canonical) -> Group:
    """The group with each key replaced by the entry id it stands for (`canonical(key)`, for bibliography aliases)."""
    return Group(group.start, group.end, tuple(replace(c, key=canonical(c.key)) for c in group.cites))


def keys_in(text: str) -> list[str]:
    """The keys cited in `text`, in order, each once."""
    keys = [item.group("key") for m in CITATION.finditer(text) for item in _ITEM_PARTS.finditer(m.group(1))]
    return list(dict.fromkeys(keys))


def stray_openers(text: str, *, first_line: int = 1) -> list[tuple[int, int]]:
    """(line, column) of each `[@` outside code that does not start a citation, e.g. `[@key.]`:
    it reaches readers as raw text, and the editor needs its own line, not the page's first citation."""
    code = code_spans(text)
    cited = {group.start for group in find(text, first_line=first_line)}
    out = []
    for m in re.finditer(r"\[\s*@", text):
        if m.start() not in code and m.start() not in cited:
            line = text.count("\n", 0, m.start())
            out.append((line + first_line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1))
    return out


def unknown_key(cite: Cite, path: str, known) -> Diagnostic:
    import difflib  # here, not at the top: only a page with a mistake needs it, and every engine process imports this

    close = difflib.get_close_matches(cite.key, list(known), n=1)
    return Diagnostic(
        code="REF001",
        message=f"unknown citation key '{cite.key}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
        path=path,
        line=cite.line,
        column=cite.column,
        target=cite.key,
        hint="cite a key from the bibliography, or add the verified work to docs/references.yaml",
    )


# A backslash before ASCII punctuation, as Pandoc and CommonMark read it (`p. \[89\]` is "p. [89]"): a
# locator reaches the page as HTML made here, which Markdown does not read again.
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescaped(text: str) -> str:
    return _BACKSLASH_ESCAPE.sub(r"\1", text)


def footnote_id(key: str) -> str:
    return f"cite-{key}"


def to_footnotes(text: str, groups: list[Group], known, placeholders: Placeholders,
                 unknown=None, replaced=(), mark: str = "") -> tuple[str, list[str]]:
    """Replace known citations with footnote references and write their definitions at the end; return the
    new text and the keys in first-use order (see footnote_references for the arguments)."""
    new, order, notes = footnote_references(text, groups, known, placeholders, unknown, replaced, mark)
    return with_definitions(text, new, notes, placeholders), order


def with_definitions(original: str, new: str, notes: dict, placeholders: Placeholders) -> str:
    """`new` (footnote_references' text for `original`) with the notes' footnote definitions written after it;
    the definitions are in reading order already, and an author's own footnotes take their places among them."""
    if notes:
        new = new.rstrip("\n") + "\n\n" + definitions(notes, placeholders)
    return order_definitions(new) if "[^" in original else new


def definitions(notes: dict, placeholders: Placeholders) -> str:
    """The notes' footnote definitions, one line each, in their order."""
    return "".join(f"[^{name}]: {note_text(note, placeholders)}\n" for name, note in notes.items())


@dataclass(frozen=True)
class Note:
    """A citation's footnote: the work's own (one for all its citations without a prefix), or a prefix's."""

    key: str
    prefix: str | None = None  # "see", as written before the '@'


def note_text(note: Note, placeholders: Placeholders) -> str:
    """The footnote's text as Markdown: the formatted reference's token, after the prefix if there is one."""
    token = placeholders.token(note.key)
    return f"{note.prefix} {token}" if note.prefix else token


def footnote_references(text: str, groups: list[Group], known, placeholders: Placeholders,
                        unknown=None, replaced=(), mark: str = "") -> tuple[str, list[str], dict[str, Note]]:
    """Replace known citations with footnote references; return the new text, the keys in first-use order and
    the footnotes by id in first-use order (their definitions are not written: with_definitions writes them).

    Groups with an unknown key are left as written, so the gate's OUT check and
    the REF001 diagnostic both point at them; `unknown(group, written)`, when given,
    returns what stands in their place instead (the Markdown extension marks them).
    `replaced` holds (start, end, text) of other spans to replace, none overlapping a group
    (the extension's marked near-misses and escaped '@'). `mark` follows each footnote reference
    (the extension's secret, by which it finds the references it wrote).
    """
    if replaced:
        stand_ins = [Group(start, end, ()) for start, end, _ in replaced]
        by_start = {start: new for start, _, new in replaced}
        groups = sorted([*groups, *stand_ins], key=lambda g: g.start)
        unknown_given = unknown

        def unknown(group, written):  # a stand-in has no cites; a real group goes to the caller's
            if not group.cites:
                return by_start[group.start]
            return unknown_given(group, written) if unknown_given else written
    order: dict[str, None] = {}  # keys in first-use order
    notes: dict[str, Note] = {}  # footnote id -> its note, in first-use order: the work's own, or a prefix's
    own_notes = 0  # citations with a prefix: each has a note of its own
    out = []
    pos = 0
    for group in groups:
        if not group.cites or not all(c.key in known for c in group.cites):
            if unknown is not None:
                out.append(text[pos : group.start])
                out.append(unknown(group, text[group.start : group.end]))
                pos = group.end
            continue
        markers = []
        for cite in group.cites:
            order.setdefault(cite.key)
            if cite.prefix:  # a note of its own: "see <reference>"
                own_notes += 1
                note = f"{footnote_id(cite.key)}-note{own_notes}"
                notes[note] = Note(cite.key, cite.prefix)
            else:
                note = footnote_id(cite.key)
                notes.setdefault(note, Note(cite.key))
            marker = f"[^{note}]{mark}"
            if cite.locator:
                marker += f'<sup class="cite-locator">, {html.escape(_unescaped(cite.locator))}</sup>'
            markers.append(marker)
        # Drop the space before the marker so it sits on the word, as in print.
        out.append(text[pos : group.start].rstrip(" \t"))
        out.append('<sup class="cite-sep">,</sup>'.join(markers))
        pos = group.end
    out.append(text[pos:])
    return "".join(out), list(order), notes


def order_definitions(text: str) -> str:
    """Move every footnote definition to the end, in order of first reference.

    Python-Markdown numbers footnotes by definition order; its reference-order
    mode follows its own tree walk, which numbers a citation inside a callout
    out of reading order. Sorting the definitions here makes numbers follow
    reading order for citations and authors' own notes alike.
    """
    lines = text.splitlines(keepends=True)
    code = code_spans(text)
    body, blocks, i = [], {}, 0
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    while i < len(lines):
        m = structure.FOOTNOTE_DEFINITION.match(lines[i])
        if m and offsets[i] not in code:
            block = [lines[i]]
            i += 1
            while i < len(lines) and (
                lines[i].startswith(("    ", "\t"))
                or (not lines[i].strip() and i + 1 < len(lines) and lines[i + 1].startswith(("    ", "\t")))
            ):
                block.append(lines[i])
                i += 1
            blocks.setdefault(m.group(1), "".join(block).rstrip("\n") + "\n")
            continue
        body.append(lines[i])
        i += 1
    if not blocks:
        return text
    body_text = "".join(body)
    body_code = code_spans(body_text)
    order = {}  # footnote -> None, in order of first reference
    for ref in structure.FOOTNOTE_REFERENCE.finditer(body_text):
        if ref.group(1) in blocks and ref.group(1) not in order and ref.start() not in body_code:
            order[ref.group(1)] = None
    order.update(dict.fromkeys(k for k in blocks if k not in order))
    return body_text.rstrip("\n") + "\n\n" + "".join(blocks[k] for k in order)
