"""How hard a page's body text is to read: Flesch-Kincaid grade (textstat 0.7.3, which works offline).

One extraction of "body text" for the gate (READ001) and the tests: the
article without its references, review block, tables of study data, code,
the page title and the theme's buttons. Those are not prose the page's
editor wrote for reading straight through.
"""

from __future__ import annotations

import re
import sys
import types
from importlib import resources

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


def _textstat():
    """textstat, imported on first use (loading its dictionary is only worth it when a page is measured).

    textstat 0.7.3 imports pkg_resources (120 ms, and a deprecation notice in editors' terminals) only to
    read its word lists with `resource_stream`; it is given a stand-in that reads them with importlib.resources.
    """
    if "textstat" not in sys.modules:
        stand_in = types.ModuleType("pkg_resources")
        stand_in.resource_stream = lambda package, name: resources.files(package).joinpath(name).open("rb")
        real = sys.modules.get("pkg_resources")
        sys.modules["pkg_resources"] = stand_in
        try:
            import textstat  # noqa: F401 (kept in sys.modules)
        finally:
            if real is None:
                del sys.modules["pkg_resources"]
            else:
                sys.modules["pkg_resources"] = real
    return sys.modules["textstat"]


def grade(text: str) -> float:
    return float(_textstat().flesch_kincaid_grade(text))


def sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if len(_WORD.findall(s)) >= 3]


def hardest_sentences(text: str, n: int = 3) -> list[tuple[float, str]]:
    """The `n` sentences with the highest grade, hardest first."""
    graded = [(grade(s), s) for s in sentences(text)]
    return sorted(graded, key=lambda g: -g[0])[:n]
