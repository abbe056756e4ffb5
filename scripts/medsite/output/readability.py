"""How hard a page's body text is to read: Flesch-Kincaid grade (textstat 0.7.3, which works offline).

One extraction of "body text" for the gate (READ001) and the tests: the
article without its references, review block, tables of study data, code,
the page title and the theme's buttons. Those are not prose the page's
editor wrote for reading straight through.
"""

from __future__ import annotations

import re
import warnings

from selectolax.lexbor import LexborHTMLParser

NOT_BODY = ".footnote, .reference-entry, .health-footer, h1, .headerlink, table, pre, code, script, style, .md-content__button"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z]+")


def body_text(article) -> str:
    """The body text of an <article> node (a selectolax node; the removed parts are gone from it afterwards)."""
    for node in article.css(NOT_BODY):
        node.decompose()
    return article.text(separator=" ")


def body_text_of_html(html: str) -> str:
    """The body text of every <article> of the page (content that opened a second one is read too)."""
    return " ".join(body_text(a) for a in LexborHTMLParser(html).css("article") if not _inside_article(a))


def _inside_article(node) -> bool:
    node = node.parent
    while node is not None:
        if node.tag == "article":
            return True
        node = node.parent
    return False


def grade(text: str) -> float:
    with warnings.catch_warnings():
        # textstat 0.7.3 imports pkg_resources, whose deprecation notice would reach editors' terminals.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import textstat  # imported here: loading its dictionary is only worth it when a page is measured

    return float(textstat.flesch_kincaid_grade(text))


def sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if len(_WORD.findall(s)) >= 3]


def hardest_sentences(text: str, n: int = 3) -> list[tuple[float, str]]:
    """The `n` sentences with the highest grade, hardest first."""
    graded = [(grade(s), s) for s in sentences(text)]
    return sorted(graded, key=lambda g: -g[0])[:n]
