"""Words to avoid, matched by word family: "cure" finds cures, cured and curing.

A family is a list of words and short phrases (gate.yml `words_to_avoid`). Each
word is reduced to its stem with the Snowball English stemmer, and a phrase
matches where the same stems follow each other in the text, whatever the
inflection ("stops MS", "stopping MS"), case or hyphenation ("side-effect
free"). A stemmer rather than hand-written inflections: it covers forms
nobody thought to list (guarantees, guaranteed; restoration, restoring),
and near synonyms whose stems differ (curative, miraculous, regrow) are
listed as words of the family. A `pattern` (a regular expression) covers
what stems cannot say, such as "95% success".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

_TOKEN = re.compile(r"\d+(?:\.\d+)?\s?(?:%|per ?cent\b|percent\b)|[^\W\d_]+|\d+(?:\.\d+)?", re.I)
_PERCENT = re.compile(r"\s?(?:%|per ?cent|percent)$", re.I)


@lru_cache(maxsize=1)
def _stemmer():
    # Imported on first use: the package loads the stemmers of all its languages (about 10 ms), and the
    # engine's process reads gate.yml (for its limits) without ever matching a word to avoid.
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    word = word.lower()
    if word[0].isdigit():
        return _PERCENT.sub("%", word)
    return _stemmer().stemWord(word)


def tokens(text: str, prefixes: frozenset | None = None) -> list[tuple[str, int, int]]:
    """(stem, start, end) of each word or number in `text`.

    With `prefixes`, only words starting with one of them are stemmed (the pure-Python
    stemmer is slow, and a Snowball stem keeps its word's first three letters); the
    others stand for themselves, lower-cased, and so match no phrase.
    """
    return [(_stem_among(m.group(0), prefixes), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _stem_among(word: str, prefixes: frozenset | None) -> str:
    """The word's stem if it may start or continue a phrase (see `tokens`), else a stand-in that matches none."""
    if prefixes is None or len(word) < 3 or word[:3].lower() in prefixes:
        return stem(word)
    return "\0" + word.lower()


@dataclass(eq=False)  # hashed by identity: families are built once from gate.yml
class Family:
    """A family of words gate.yml asks editors to avoid, with the phrases that excuse them."""

    name: str  # the first word, for messages
    words: tuple[str, ...] = ()  # each word or phrase, as gate.yml writes it
    patterns: list[re.Pattern] = field(default_factory=list)
    allow: list[tuple[re.Pattern, str]] = field(default_factory=list)  # (phrase in the same clause, why)
    allow_used: set[int] = field(default_factory=set)  # which `allow` phrases excused a word (GATE002 for the rest)
    # `allow` phrases marked `standing: true`: accurate wording the editorial policy always permits
    # ("MS cannot be cured"), kept for the next page that needs it, so never reported as unused.
    standing: set[int] = field(default_factory=set)
    line: int | None = None  # of the family's entry in gate.yml

    @classmethod
    def build(cls, words, patterns=(), allow=()) -> Family:
        name = str(words[0]) if words else (patterns[0].pattern if patterns else "?")
        return cls(name, tuple(str(w) for w in words), list(patterns), list(allow))

    @cached_property
    def phrases(self) -> list[tuple[str, ...]]:
        """The stems of each word or phrase, made when a text is first searched (not when gate.yml is read)."""
        return [p for p in (tuple(s for s, _, _ in tokens(w)) for w in self.words) if p]

    def find(self, text: str) -> list[str]:
        """The words of this family in `text`, as written, except those with an allowed phrase in their clause."""
        return [word for _, word in find_all(text, [self])]


@lru_cache(maxsize=8)
def _index(families: tuple[Family, ...]) -> tuple[dict, frozenset, frozenset]:
    """What one pass over a sentence needs to find every family:
    - first stem -> (family number, phrase);
    - the first three letters of every stem in any phrase, and of every first stem.
    A Snowball stem keeps its word's first three letters, so a sentence with no word starting
    with a first stem's letters has no phrase; most sentences are skipped without stemming,
    which in pure Python is slow."""
    index: dict[str, list] = {}
    for n, family in enumerate(families):
        for phrase in set(family.phrases):
            index.setdefault(phrase[0], []).append((n, phrase))
    prefixes = frozenset(s[:3] for family in families for phrase in family.phrases for s in phrase)
    first = frozenset(s[:3] for s in index)
    return index, prefixes, first


_WORD_START = re.compile(r"(?<![^\W\d_])[^\W_]{1,3}")


# Where one clause of a sentence ends and the next begins: an allowed phrase ("not", "no cure") speaks
# only for its own clause, so "This is not a cure for tiredness, but it cures MS" is still a promise.
# Contrasting conjunctions, wherever they stand ("yet" only after a comma: "not yet proven" is one clause),
# and semicolons, colons and spaced or em dashes. A bare comma is no boundary: lists share their negation
# ("cannot repair, regrow or restore nerves") and so do asides ("No treatment, not even stem cells, is a cure").
_CLAUSE_BREAK = re.compile(
    # Each alternative starts at a comma, a mark or the first space of a run: linear on long runs of spaces.
    r",?(?<!\s)\s+(?:but|while|whilst|whereas|(?:al|even )?though|however)\b|,\s*(?:and\s+)?yet\b|[;:]\s+|—\s*|(?<!\s)\s+[–-]\s+",
    re.I,
)
_LEADING_SUBORDINATE = re.compile(r"\s*(?:(?:al|even )?though|while|whilst|whereas)\b[^,]*,", re.I)
# An aside in brackets or between two dashes is a clause of its own, and the words around it one clause:
# "Stem cells (not proven) cure MS" is a promise; "No treatment — not even stem cells — is a cure" is not.
_ASIDE = re.compile(r"\([^()]*\)|\s—[^—]*—\s?|\s[–-]\s[^–]*?\s[–-]\s")


def clauses(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """The clauses of one sentence: (its text, the spans of `text` it is made of).

    Asides are cut out first and joined up where they stood, then the rest is split at clause breaks.
    """
    out: list[tuple[str, list[tuple[int, int]]]] = []
    outer: list[tuple[int, int]] = []
    pos = 0
    for m in _ASIDE.finditer(text):
        outer.append((pos, m.start()))
        out.extend(_split_clauses(text, [(m.start(), m.end())]))
        pos = m.end()
    outer.append((pos, len(text)))
    out.extend(_split_clauses(text, outer))
    return [c for c in out if c[0].strip()]


def _split_clauses(text: str, spans: list[tuple[int, int]]):
    """Split the text made of `spans` at clause breaks; each piece keeps the spans of `text` it covers."""
    joined, starts = "", []  # starts: (offset in joined, offset in text)
    for a, b in spans:
        starts.append((len(joined), a))
        joined += text[a:b] + " "
    pieces, pos = [], 0
    for m in (*_CLAUSE_BREAK.finditer(joined), None):
        end = m.start() if m else len(joined)
        lead = _LEADING_SUBORDINATE.match(joined, pos, end)
        if lead:  # "Although it is not a cure for everything, it cures MS": the first comma ends the first clause
            pieces.append((pos, lead.end() - 1))
            pos = lead.end()
        pieces.append((pos, end))
        pos = m.end() if m else end
    for a, b in pieces:
        covered = []
        for j, (off, at) in enumerate(starts):
            length = (starts[j + 1][0] if j + 1 < len(starts) else len(joined)) - off - 1
            lo, hi = max(a, off), min(b, off + length)
            if lo < hi:
                covered.append((at + lo - off, at + hi - off))
        yield joined[a:b], covered


def _clause_of(clause_list, start: int) -> str:
    return next((t for t, spans in clause_list if any(a <= start < b for a, b in spans)), "")


def _spans(text: str, family: Family, starts) -> list[tuple[int, int]]:
    spans = starts + [m.span() for p in family.patterns for m in p.finditer(text)]
    if not spans:
        return []
    clause_list = clauses(text) if family.allow else []
    excused_by: dict[str, list[int]] = {}  # clause text -> the allowed phrases in it
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):  # "clinically proven" once, not also "proven"
        if kept and start < kept[-1][1]:
            continue
        if family.allow:
            clause = _clause_of(clause_list, start)
            if clause not in excused_by:
                excused_by[clause] = [i for i, (a, _) in enumerate(family.allow) if a.search(clause)]
            if excused_by[clause]:
                family.allow_used.update(excused_by[clause])
                continue
        kept.append((start, end))
    return kept


def _hits(text: str, families: tuple[Family, ...]) -> dict[int, list[tuple[int, int]]]:
    """Family number -> spans of its words and phrases in `text`, before allowed phrases are considered."""
    index, prefixes, first = _index(families)
    hits: dict[int, list[tuple[int, int]]] = {}
    if first.isdisjoint(w.lower() for w in _WORD_START.findall(text)):
        return hits
    # The stems `tokens(text, prefixes)` gives, worked out only where a phrase could start (a whole page is
    # read this way, and most of its words start no phrase); offsets only for what is found.
    words = _TOKEN.findall(text)
    spans = None
    for i, word in enumerate(words):
        if len(word) >= 3 and word[:3].lower() not in prefixes:
            continue  # cheaper than _stem_among's stand-in, for most words of a page
        for n, phrase in index.get(stem(word), ()):
            if len(phrase) <= len(words) - i and all(
                    _stem_among(words[i + k], prefixes) == part for k, part in enumerate(phrase[1:], 1)):
                spans = spans or [m.span() for m in _TOKEN.finditer(text)]
                hits.setdefault(n, []).append((spans[i][0], spans[i + len(phrase) - 1][1]))
    return hits


def mentions_any(text: str, families) -> bool:
    """A quick first look at a whole page: could any word to avoid be in it? (Allowed uses still count.)"""
    families = tuple(families)
    return bool(_hits(text, families)) or any(p.search(text) for f in families for p in f.patterns)


def find_all(text: str, families) -> list[tuple[Family, str]]:
    """(family, word as written) for every word to avoid in one sentence."""
    families = tuple(families)
    hits = _hits(text, families)
    out = []
    for n, family in enumerate(families):
        if n in hits or family.patterns:
            out.extend((family, text[a:b]) for a, b in _spans(text, family, hits.get(n, [])))
    return out
