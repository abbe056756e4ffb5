"""Text for synthetic pages that a search engine sees as it would see a real site's.

A search index is only as busy as its words are shared: if every page says the
same few sentences, every query matches every page. So synthetic pages are made
from the real site's own sentences (docs/), with some of their longer words
swapped for words of a bigger vocabulary, as different pages on different topics
would use different words:

- the vocabulary is the real pages' words plus several thousand made-up ones,
  each mixed from the start of one real word and the end of another;
- made-up words are drawn by Zipf's law (a few on most pages, most on a few),
  and each topic (a nav group of pages) has favourite words of its own, so a
  rare word comes back on the pages of its topic, as real words do;
- each page is as long as a real content page drawn at random (give or take a tenth),
  so a typical synthetic page weighs what a typical real one does.

Everything comes from one seeded random generator: the same seed gives the same site.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from medsite.core.wording import mentions_any
from medsite.markdown import structure
from medsite.sources import frontmatter

WORD = re.compile(r"[A-Za-z][a-z]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# Markup to drop from a line of Markdown, leaving what a reader reads.
MARKUP = [
    (re.compile(r"\s*\[@[^\]]*\]"), ""),               # citations
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),    # links and images: keep the link text
    (re.compile(r"\{[^}]*\}"), ""),                    # attribute lists
    (re.compile(r"<[^>]*>"), ""),                      # inline HTML
    (re.compile(r"[*_`]+"), ""),                       # emphasis, code marks
    (re.compile(r"\s+"), " "),
]
SKIP_LINE = re.compile(r"^\s*(!!!|\?\?\?|<|\||--8<--|\{|\*\[|\[\^|---)")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.|>)\s+")
# Numbers in words: the gate checks them against the cited work's findings, like digits.
NUMBER_WORDS = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|"
                          r"thousand|million|half|halved|third|thirds|quarter|twice|double|doubled|triple)\b", re.I)
SAFE = re.compile(r"[A-Za-z ,.;:'()?!-]+")

# Synthetic pages are articles: the page types readers come for, not the about and policy pages.
ARTICLE_TYPES = ("condition", "treatment", "clinic", "guide")
MADE_UP = 8000  # made-up words, on top of the real ones (about 1,600)
TOPIC_WORDS = 40  # favourite words of a topic
COMMON_MADE_UP = 300  # the most drawn made-up words, on most pages: no topic's own
ZIPF_S = 1.05
SWAP = 0.3  # share of longer words (5+ letters) swapped for vocabulary words


@dataclass(frozen=True)
class Corpus:
    sentences: tuple[str, ...]  # the real pages' sentences, markup removed
    words: tuple[str, ...]  # their distinct lowercase words, most frequent first
    # Words in the body of each article (ARTICLE_TYPES), sorted: synthetic pages are drawn as long as these,
    # so that a typical synthetic page weighs what a typical real one does.
    page_lengths: tuple[int, ...]


# What "now" wording looks like (gate.yml currency, CUR001): with a random citation it would rest on an old work.
TIME_SENSITIVE = re.compile(r"\b(?:approv\w*|licen[cs]\w*|authori[sz]\w*|the only|the latest|the newest|"
                            r"the most recent|currently|now)\b", re.I)
# "The table below": on another page it would point to nothing (PART004).
POINTS_ON_PAGE = re.compile(r"\b(?:above|below)\b", re.I)


def read_corpus(docs: Path, avoid: tuple = ()) -> Corpus:
    """The real pages' sentences, except those the gate would stop out of context: with a
    number (its citation would be swapped), a word to avoid (``avoid``, gate.yml's families), a
    claim about now (TIME_SENSITIVE) or a pointer to another part of the page (POINTS_ON_PAGE); and the content pages' lengths."""
    sentences, counts, lengths = [], Counter(), []
    for path in sorted(docs.rglob("*.md")):
        front, body, _ = frontmatter.split(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(front) if front else None
        if isinstance(meta, dict) and meta.get("page_type") in ARTICLE_TYPES:
            lengths.append(len(body.split()))
        for line in structure.blank_code(body).splitlines():
            if not line.strip() or line.lstrip().startswith("#") or SKIP_LINE.match(line):
                continue
            text = LIST_MARK.sub("", line)
            for pattern, repl in MARKUP:
                text = pattern.sub(repl, text)
            for sentence in SENTENCE_END.split(text.strip()):
                n = len(sentence.split())
                if (5 <= n <= 40 and SAFE.fullmatch(sentence) and sentence[0].isupper()
                        and not any(c.isdigit() for c in sentence) and not NUMBER_WORDS.search(sentence)
                        and not mentions_any(sentence, avoid) and not TIME_SENSITIVE.search(sentence)
                        and not POINTS_ON_PAGE.search(sentence)):
                    sentences.append(sentence)
                    counts.update(w.lower() for w in WORD.findall(sentence))
    unique = tuple(dict.fromkeys(sentences))
    return Corpus(unique, tuple(w for w, _ in counts.most_common()), tuple(sorted(lengths)) or (800,))


def made_up_words(real: tuple[str, ...], count: int, rng: random.Random, avoid: tuple = ()) -> list[str]:
    """``count`` new words, each the start of one real word and the end of another."""
    long = [w for w in real if len(w) >= 6]
    known, out = set(real), []
    while len(out) < count:
        a, b = rng.choice(long), rng.choice(long)
        word = a[: rng.randint(3, 5)] + b[-rng.randint(3, 5):]
        if word not in known and 6 <= len(word) <= 12 and not mentions_any(word, avoid):
            known.add(word)
            out.append(word)
    return out


class Zipf:
    """Draws items so that the one of rank r comes up in proportion to 1 / r**s."""

    def __init__(self, items: list[str], s: float = ZIPF_S):
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (r ** s) for r in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class Writer:
    """Writes the text of synthetic pages: titles, headings, paragraphs, list items."""

    def __init__(self, docs: Path, seed: int = 1, avoid: tuple = ()):
        self.corpus = read_corpus(docs, avoid)
        vocabulary_rng = random.Random(seed)
        self.made_up = made_up_words(self.corpus.words, MADE_UP, vocabulary_rng, avoid)
        self.global_words = Zipf(self.made_up)
        self.seed = seed

    @cached_property
    def real_long(self) -> Zipf:
        """Real words of five letters or more, by how often the real pages use them."""
        return Zipf([w for w in self.corpus.words if len(w) >= 5], s=1.0)

    @cached_property
    def topical(self) -> Zipf:
        """Words a topic may make its own: not the few hundred that most pages use."""
        return Zipf(self.made_up[COMMON_MADE_UP:])

    def topic_words(self, topic: int) -> list[str]:
        rng = random.Random(f"{self.seed}-topic-{topic}")
        return list(dict.fromkeys(self.topical.draw(rng) for _ in range(TOPIC_WORDS * 3)))[:TOPIC_WORDS]

    def page(self, topic: int, rng: random.Random) -> PageText:
        return PageText(self, self.topic_words(topic), rng)

    def length(self, rng: random.Random) -> int:
        """Words in a page's text: a real content page's length, give or take a tenth."""
        return int(rng.choice(self.corpus.page_lengths) * rng.uniform(0.9, 1.1))


class PageText:
    def __init__(self, writer: Writer, topic_words: list[str], rng: random.Random):
        self.writer, self.rng = writer, rng
        # Half of a page's own words come from its topic, half from anywhere.
        self.topic = Zipf(topic_words, s=0.8)

    def word(self) -> str:
        return self.topic.draw(self.rng) if self.rng.random() < 0.5 else self.writer.global_words.draw(self.rng)

    def sentence(self) -> str:
        text = self.rng.choice(self.writer.corpus.sentences)

        def swap(match: re.Match) -> str:
            w = match.group(0)
            if len(w) < 5 or self.rng.random() >= SWAP:
                return w
            new = self.word()
            return new.capitalize() if w[0].isupper() else new

        return WORD.sub(swap, text)

    def short_sentence(self) -> str:
        """A sentence of 25 words or fewer, for a page's description."""
        return next(s for s in iter(self.sentence, None) if len(s.split()) <= 25)

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def title(self) -> str:
        """Two words of the page's topic ("Ocrelimab and fatigrin"), or one and a common real word."""
        first = self.topic.draw(self.rng)
        if self.rng.random() < 0.5:
            return f"{first} {self.writer.real_long.draw(self.rng)}".capitalize()
        return f"{first} and {self.topic.draw(self.rng)}".capitalize()

    def heading(self) -> str:
        words = [self.word() if self.rng.random() < 0.5 else self.writer.real_long.draw(self.rng)
                 for _ in range(self.rng.randint(2, 4))]
        return " ".join(words).capitalize()

    def list_item(self) -> str:
        words = self.sentence().rstrip(".!?").split()
        return " ".join(words[: self.rng.randint(4, 12)])
