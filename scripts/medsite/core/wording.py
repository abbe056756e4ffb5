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
from functools import lru_cache

import snowballstemmer

_TOKEN = re.compile(r"\d+(?:\.\d+)?\s?(?:%|per ?cent\b|percent\b)|[^\W\d_]+|\d+(?:\.\d+)?", re.I)
_PERCENT = re.compile(r"\s?(?:%|per ?cent|percent)$", re.I)


@lru_cache(maxsize=1)
def _stemmer():
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
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if prefixes is None or word[:3].lower() in prefixes or len(word) < 3:
            out.append((stem(word), m.start(), m.end()))
        else:
            out.append(("\0" + word.lower(), m.start(), m.end()))
    return out


@dataclass(eq=False)  # hashed by identity: families are built once from gate.yml
class Family:
    name: str  # the first word, for messages
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # stems of each word or phrase
    patterns: list[re.Pattern] = field(default_factory=list)
    allow: list[tuple[re.Pattern, str]] = field(default_factory=list)  # (phrase in the same sentence, why)
    allow_used: set[int] = field(default_factory=set)  # which `allow` phrases excused a word (GATE002 for the rest)
    # `allow` phrases marked `standing: true`: accurate wording the editorial policy always permits
    # ("MS cannot be cured"), kept for the next page that needs it, so never reported as unused.
    standing: set[int] = field(default_factory=set)
    line: int | None = None  # of the family's entry in gate.yml

    @classmethod
    def build(cls, words, patterns=(), allow=()) -> Family:
        phrases = [tuple(s for s, _, _ in tokens(str(w))) for w in words]
        phrases = [p for p in phrases if p]
        name = str(words[0]) if words else (patterns[0].pattern if patterns else "?")
        return cls(name, phrases, list(patterns), list(allow))

    def find(self, text: str) -> list[str]:
        """The words of this family in `text`, as written; none if an allowed phrase is in it."""
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


def _spans(text: str, family: Family, starts) -> list[tuple[int, int]]:
    spans = starts + [m.span() for p in family.patterns for m in p.finditer(text)]
    if not spans:
        return []
    excused = [i for i, (a, _) in enumerate(family.allow) if a.search(text)]
    if excused:
        family.allow_used.update(excused)
        return []
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):  # "clinically proven" once, not also "proven"
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _hits(text: str, families: tuple[Family, ...]) -> dict[int, list[tuple[int, int]]]:
    """Family number -> spans of its words and phrases in `text`, before allowed phrases are considered."""
    index, prefixes, first = _index(families)
    hits: dict[int, list[tuple[int, int]]] = {}
    if not first.isdisjoint(w.lower() for w in _WORD_START.findall(text)):
        toks = tokens(text, prefixes)
        stems = [t[0] for t in toks]
        for i, stem_ in enumerate(stems):
            for n, phrase in index.get(stem_, ()):
                if tuple(stems[i:i + len(phrase)]) == phrase:
                    hits.setdefault(n, []).append((toks[i][1], toks[i + len(phrase) - 1][2]))
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
