"""Citation near-misses: what an editor meant as a citation but would reach readers as text.

`[key]` and `(@key)` with a bibliography id, `[@key p. 3]` (a locator with no comma) and Pandoc's
in-text form `@key says` / `@key [p. 33] says` (a numbered footnote has no author's name to print
in the sentence, so it is refused with the bracketed form to use). Code, e-mail addresses
(a@b.org), addresses (https://x.org/@name) and `\\@` stay text, as in Pandoc.

The Markdown extension reports these and marks them in the page; the gate's source check reports
the same diagnostics (medsite.gate.checks.citation_syntax), so a build without the extension is
refused too and the two reports merge into one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.markdown.citations import _KEY, _LOCATOR, _PREFIX, find
from medsite.markdown.structure import code_spans

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "CITE001",
        ERROR,
        what="A bibliography id in square brackets without '@' ([smith2020]): readers would see the brackets and the id.",
        why="The sentence would publish with no footnote, so its claim would have no visible source.",
        fix="Put '@' before the key: [@smith2020]. In the browser: edit the page on GitHub and add the '@'.",
        bad="MS affects the brain [smith2020].",
        good="MS affects the brain [@smith2020].",
    ),
    Rule(
        "CITE002",
        ERROR,
        what="A citation in round brackets ((@smith2020)): readers would see the brackets and the key.",
        why="Only square brackets make a citation; the claim would publish with no footnote.",
        fix="Use square brackets: [@smith2020]. In the browser: edit the page on GitHub and change ( ) to [ ].",
        bad="MS affects the brain (@smith2020).",
        good="MS affects the brain [@smith2020].",
    ),
    Rule(
        "CITE003",
        ERROR,
        what="A locator after a citation key without a comma ([@smith2020 p. 3]).",
        why="Without the comma the citation is not read, and readers would see it as text.",
        fix="Put a comma after the key: [@smith2020, p. 3]. In the browser: edit the page on GitHub and add the comma.",
        bad="MS affects the brain [@smith2020 p. 3].",
        good="MS affects the brain [@smith2020, p. 3].",
    ),
    Rule(
        "CITE004",
        ERROR,
        what="An in-text citation (@smith2020 says, @smith2020 [p. 3] says, or -@smith2020 outside brackets): "
        "this site numbers its references and does not print authors' names from the bibliography.",
        why="The key would reach readers as text, with no footnote.",
        fix="Write the authors' names yourself and cite in square brackets: 'Smith and colleagues found [@smith2020, p. 3]'. "
        "In the browser: edit the page on GitHub the same way.",
        bad="@smith2020 says MS affects the brain.",
        good="Smith and colleagues say MS affects the brain [@smith2020].",
    ),
)

_BROWSER = "; in the browser, edit the page on GitHub the same way"
# Each pattern starts with the character it needs ('[', '@' or '-') and looks behind it after: a pattern that
# starts with a look-behind is tried at every character of the page, one that starts with a character is not.
# `[text]` with no link after it; a reference link `[text][id]`, a definition `[id]: url` and a footnote are not near-misses.
_PLAIN_BRACKETS = re.compile(rf"\[(?<![!\]\\^]\[)\s*({_KEY})\s*((?:,(?>[^\[\]\n]*))?)\](?![(\[:])")
# A bracket holding a key followed by words with no comma: `[@key p. 3]`, `[see @key p. 3; @b]`;
# a link's text (`[@key says](url)`) is not one: the built page's CITE005 finds the key there.
_NO_COMMA = re.compile(r"\[(?>(?:[^\[\]\\]|\\[^\n])*)\](?!\()")  # not a link's text
_KEY_THEN_WORDS = re.compile(rf"{_PREFIX}@({_KEY})[ \t]+(?=[^\s,;\]])({_LOCATOR})")
_ROUND = re.compile(r"\(((?>[^()\[\]\n]*))\)")
_NOT_BEFORE_KEY = r"[\w\\@./:#%+\[-]"  # a key after one of these is part of a word, an address or a citation
_KEY_IN_TEXT = re.compile(rf"(?:-@(?<!{_NOT_BEFORE_KEY}-@)|@(?<!{_NOT_BEFORE_KEY}@))({_KEY})(?:[ \t]*\[((?>(?:[^\[\]\\\n]|\\[^\n])*))\])?")
_ESCAPED_AT = re.compile(r"\\@")


@dataclass(frozen=True)
class Miss:
    """A piece of text that looks like a citation but is not one, and the diagnostic that says so."""

    start: int
    end: int
    diagnostic: Diagnostic


def _key_then_words(bracket: str):
    """The first item of `bracket` ('[...]') whose key is followed by words with no comma, or None.

    Each item is matched from its own start (after '[' or ';'): a search from every position
    would read a long prefix again from each of its characters."""
    starts = [1] + [i + 1 for i, char in enumerate(bracket) if char == ";" and bracket[i - 1] != "\\"]
    return next(filter(None, (_KEY_THEN_WORDS.match(bracket, start) for start in starts)), None)


def _line_col(text: str, offset: int, first_line: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + first_line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def near_misses(text: str, path: str, known, *, first_line: int = 1, groups=None) -> list[Miss]:
    """Every near-miss outside code and outside real citations, in page order.

    `known` holds the bibliography's ids: `[key]`, `(@key)` and `@key` are near-misses only for
    those (a plain `[note]` or `@handle` is text); `[@key p. 3]` is one whatever the key.
    `groups`: the text's citations (medsite.markdown.citations.find), when the caller has them already.
    """
    if "[" not in text and "@" not in text:
        return []
    code = code_spans(text)
    # What is taken (citations, then near-misses found): sorted spans that never overlap, so one binary
    # search tells whether a new span overlaps any (a page has hundreds of brackets and citations).
    starts, ends = [], []
    for g in sorted(find(text) if groups is None else groups, key=lambda g: g.start):
        starts.append(g.start)
        ends.append(g.end)
    found: list[Miss] = []

    def free(start: int, end: int) -> bool:
        before = bisect_left(starts, end) - 1  # the last taken span that starts before this one ends
        return start not in code and not (before >= 0 and ends[before] > start)

    def add(start: int, end: int, code_: str, message: str, hint: str, target: str) -> None:
        line, col = _line_col(text, start, first_line)
        found.append(Miss(start, end, Diagnostic(code_, message, path, line, col, target=target, hint=hint + _BROWSER)))
        at = bisect_left(starts, start)
        starts.insert(at, start)
        ends.insert(at, end)

    for m in _NO_COMMA.finditer(text):
        if not free(m.start(), m.end()) or "@" not in m.group(0):
            continue
        item = _key_then_words(m.group(0))
        if item:
            key, words = item.group(1), item.group(2).strip()
            fixed = m.group(0)[: item.end(1)] + "," + m.group(0)[item.end(1) :]
            add(
                m.start(),
                m.end(),
                "CITE003",
                f"locator '{words}' after '@{key}' has no comma, so '{m.group(0)}' would be printed as text",
                f"put a comma after the key: '{fixed}'",
                key,
            )
    for m in _ROUND.finditer(text):
        inside = m.group(1)
        keys = [k.group(1) for k in _KEY_IN_TEXT.finditer(inside)]
        if not free(m.start(), m.end()) or not (
            keys and (inside.lstrip().startswith(("@", "-@")) or any(k in known for k in keys))
        ):
            continue
        add(
            m.start(),
            m.end(),
            "CITE002",
            f"'{m.group(0)}' is in round brackets, so it would be printed as text",
            f"use square brackets: '[{inside.strip()}]'",
            keys[0],
        )
    for m in _PLAIN_BRACKETS.finditer(text):
        if m.group(1) in known and free(m.start(), m.end()):
            add(
                m.start(),
                m.end(),
                "CITE001",
                f"'{m.group(0)}' names the work '{m.group(1)}' without '@', so it would be printed as text",
                f"write '[@{m.group(1)}{m.group(2)}]'",
                m.group(1),
            )
    for m in _KEY_IN_TEXT.finditer(text):
        key, locator = m.group(1), m.group(2)
        if key not in known or not free(m.start(), m.end()):
            continue
        fixed = f"[@{key}" + (f", {locator.strip()}" if locator and locator.strip() else "") + "]"
        add(
            m.start(),
            m.end(),
            "CITE004",
            f"in-text citation '{m.group(0)}' is not supported: this site numbers its "
            "references and prints no authors' names from the bibliography",
            f"write the authors' names yourself and cite in square brackets: '... found {fixed}'",
            key,
        )
    return sorted(found, key=lambda miss: miss.start)


def escaped_ats(text: str) -> list[tuple[int, int]]:
    """Spans of `\\@` outside code: Pandoc prints '@' there, Python-Markdown would print the backslash too."""
    if "\\@" not in text:
        return []
    code = code_spans(text)
    return [m.span() for m in _ESCAPED_AT.finditer(text) if m.start() not in code and not _escaped(text, m.start())]


def _escaped(text: str, offset: int) -> bool:
    """Whether the backslash at `offset` is itself escaped (`\\\\@` is a backslash, then '@')."""
    count = 0
    while offset - 1 - count >= 0 and text[offset - 1 - count] == "\\":
        count += 1
    return count % 2 == 1
