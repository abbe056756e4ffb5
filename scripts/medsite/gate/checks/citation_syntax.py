"""CITE: citation near-misses in the page sources, and citation syntax that reached a built page as text."""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SITE, SOURCE, Rule, declare, gate_check
from medsite.gate.checks.source_map import find_line
from medsite.markdown import citation_syntax
from medsite.markdown.citations import _KEY

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
# CITE001-CITE004 are declared beside the finder they share with the Markdown extension.
RULES = declare(
    Rule(
        "CITE005",
        ERROR,
        what="Citation syntax reached a built page as text: '(@', '^[' (an inline note that never closed), "
        "or '@key' with a bibliography id ('[@' is OUT001).",
        why="Readers would see raw syntax where a footnote should be.",
        fix="Write the citation as [@key] (with a comma before a locator: [@key, p. 3]) and close every inline note "
        "'^[...]'; to show '@' as text, write \\@. In the browser: edit the page on GitHub the same way.",
        where="site/page/index.html",
        bad="<p>MS affects the brain (@example).</p>",
        good="<p>MS affects the brain<sup>1</sup>.</p>",
    ),
)

_ROUND = re.compile(r"\(\s*-?@")
_AT_KEY = re.compile(rf"(?<![\w\\@./:#%+\[-])-?@({_KEY})")


@gate_check(stage=SOURCE)
def near_misses(project):
    """CITE001-CITE004: the same diagnostics the Markdown extension reports while it builds the page."""
    bib = project.bibliography
    known = bib.by_id if bib is not None else {}
    for page in project.pages:
        if page.page is None:
            continue
        for miss in citation_syntax.near_misses(page.page.body, page.rel, known, first_line=page.page.body_line):
            yield miss.diagnostic


def _syntax(text: str, known) -> list[str]:
    """The pieces of citation syntax in a page's published text, each once, in order."""
    found = []
    if "^[" in text:
        found.append("^[")
    if "(" in text:
        found += [m.group(0).replace(" ", "") for m in _ROUND.finditer(text)]
    found += [m.group(0) for m in _AT_KEY.finditer(text) if m.group(1) in known]
    return list(dict.fromkeys(found))


@gate_check(stage=SITE)
def published_syntax(project):
    """CITE005 for citation syntax in a page's text, at the source line it came from."""
    bib = project.bibliography
    known = bib.by_id if bib is not None else {}
    for page, source_page in project.built_pages():
        for piece in _syntax(page.article_text, known):
            yield Diagnostic(
                "CITE005",
                f"citation syntax '{piece}' is printed as text in the page",
                page.rel,
                target=piece,
                source=find_line(source_page, [piece]),
                hint="write the citation as [@key] (a locator after a comma: [@key, p. 3]) and close every "
                "inline note '^[...]'; to show '@' as text write \\@; in the browser, edit the page on "
                "GitHub the same way",
            )
