"""EVID001-EVID002: words that overstate evidence, and numbers stated without a citation.

Both read the text as a reader sees it (see prose.py): words to avoid are
looked for in the page title and description (search results, social cards),
headings, callout titles, alt and link text and the body, and in the snippets
(includes/) that pages insert. The built pages are checked again by
wording_site.py for anything that reaches readers another way.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.core.wording import find_all, mentions_any
from medsite.gate.checks.prose import sentences

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("EVID001", ERROR,
         what="A word to avoid, in any form (cures, cured, curing), appears where readers see it: the title, description, a heading, alt text or the body (see docs/about/editorial-policy.md).",
         why="These words overstate evidence and are red flags to regulators.",
         fix="Say what was studied, in whom, what it showed and what is unknown; the word families and their allowed uses are in gate.yml. "
             "An allowed phrase (\"not\", \"no cure\") excuses a word only in its own clause: a \"but\", \"while\", \"whereas\", "
             "\"although\", a semicolon, colon or dash starts a new one.",
         bad="Other clinics have not shown anything, while our cells are proven to work [@smith2020].",
         good="Stem cells have not been proven to work in MS; one trial is under way [@smith2020]."),
    Rule("EVID002", ERROR,
         what="A number or percentage is stated without a citation in the same sentence.",
         why="Numbers are the claims readers trust most.",
         fix="Add [@key] before the full stop, or write the number in words if it is not a factual claim.",
         bad="About 40% of people improved.",
         good="About 40% of people improved [@smith2020]."),
)

NUMBER = re.compile(r"(?<![\w./-])\d[\d,.]*\s*(?:%|percent\b)?")
PLACES = {"title": "in the title", "description": "in the description", "heading": "in a heading", "body": ""}


def word_diagnostics(source, families) -> list[Diagnostic]:
    """EVID001 for each word to avoid in a page or snippet (both are SourcePage); found once per page."""
    cache = source.__dict__.setdefault("_words", {})
    if id(families) not in cache:
        cache[id(families)] = list(_word_diagnostics(source, families))
    return cache[id(families)]


def _word_diagnostics(source, families):
    found = sentences(source, front_matter=True)
    if not mentions_any("\n".join(s.text for s in found), families):  # most pages: one look, not one per sentence
        return
    for s in found:
        for family, word in find_all(s.text, families):
            where = PLACES.get(s.place, "")
            family_note = f" (family '{family.name}')" if family.name.lower() != word.lower() else ""
            yield Diagnostic("EVID001", f"word to avoid '{word}'{family_note}{' ' + where if where else ''}", source.rel, s.line,
                             target=word, hint="say what was studied, in whom, what it showed and what is unknown")


@gate_check(stage=SOURCE)
def check(project):
    families = project.config.get("words_to_avoid") or []
    number_types = set(project.config.get("number_citation_page_types") or [])
    for page in list(project.pages) + list(project.includes):
        if not page.page:
            continue
        yield from word_diagnostics(page, families)
        if page.page.meta.get("page_type") not in number_types:
            continue
        for s in sentences(page):
            if s.place != "body" or s.has_cite:
                continue
            m = NUMBER.search(s.text)
            if m:
                yield Diagnostic("EVID002", f"number '{m.group(0).strip()}' without a citation in the same sentence",
                                 page.rel, s.line, target=m.group(0).strip(),
                                 hint="add [@key] before the full stop, or write the number in words if it is not a claim")
