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


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) of each word or number in `text`."""
    return [(stem(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass
class Family:
    name: str  # the first word, for messages
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # stems of each word or phrase
    patterns: list[re.Pattern] = field(default_factory=list)
    allow: list[tuple[re.Pattern, str]] = field(default_factory=list)  # (phrase in the same sentence, why)

    @classmethod
    def build(cls, words, patterns=(), allow=()) -> "Family":
        phrases = [tuple(s for s, _, _ in tokens(str(w))) for w in words]
        phrases = [p for p in phrases if p]
        name = str(words[0]) if words else (patterns[0].pattern if patterns else "?")
        return cls(name, phrases, list(patterns), list(allow))

    def find(self, text: str, toks=None) -> list[str]:
        """The words of this family in `text`, as written; none if an allowed phrase is in it."""
        spans = [m.span() for p in self.patterns for m in p.finditer(text)]
        toks = tokens(text) if toks is None else toks
        stems = [t[0] for t in toks]
        for phrase in set(self.phrases):
            n = len(phrase)
            for i in range(len(stems) - n + 1):
                if tuple(stems[i:i + n]) == phrase:
                    spans.append((toks[i][1], toks[i + n - 1][2]))
        if not spans or any(a.search(text) for a, _ in self.allow):
            return []
        kept: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):  # "clinically proven" once, not also "proven"
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        return [text[a:b] for a, b in kept]


def find_all(text: str, families: list[Family]) -> list[tuple[Family, str]]:
    """(family, word as written) for every word to avoid in one sentence."""
    toks = tokens(text)
    return [(family, word) for family in families for word in family.find(text, toks)]
