"""OUT: nothing unrendered reaches readers, and every content page has its furniture and matching JSON-LD."""

from __future__ import annotations

import json

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate.checks.source_map import find_line
from medsite.markdown import citations
from medsite.sources.pagemeta import PageMeta

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("OUT001", ERROR,
         what="Unrendered syntax ([@, [^, {{, {%) survived into the HTML.",
         why="Readers would see raw markup.",
         fix="Fix the citation, footnote or template syntax in the source.",
         where="site/page/index.html",
         bad="<p>Unrendered [@smith2020] here.</p>",
         good="<p>Rendered<sup>1</sup> here.</p>"),
    Rule("OUT002", ERROR,
         what="A content page lacks its review block, disclosure or JSON-LD, or the JSON-LD disagrees with the visible page.",
         why="Every page must show who wrote it, when it was reviewed and who publishes it.",
         fix="Check front matter; do not remove the templates' blocks.",
         where="site/page/index.html",
         bad='<html><head></head><body><article><h1 id="a-page">A page</h1><p>Text.</p></article></body></html>',
         good='<html><head><script type="application/ld+json">{"@type":"MedicalWebPage","name":"A page","lastReviewed":"2026-11-25"}</script></head><body><article><div data-pagefind-body><h1 id="a-page">A page</h1><p>Text.</p></div><aside class="health-footer"><p class="health-footer__dates">Page last reviewed: <time datetime="2026-11-25">25 November 2026</time>.</p><p class="health-footer__disclosure">Disclosure.</p></aside></article></body></html>'),
)


def _jsonld_problems(page, meta: PageMeta):
    if not page.jsonld:
        yield "no MedicalWebPage JSON-LD"
        return
    try:
        data = json.loads(page.jsonld[0])
    except json.JSONDecodeError as exc:
        yield f"JSON-LD does not parse: {exc.msg}"
        return
    if data.get("@type") != "MedicalWebPage":
        yield f"JSON-LD @type is {data.get('@type')!r}, not 'MedicalWebPage'"
    if data.get("name") != page.h1:
        yield f"JSON-LD name {data.get('name')!r} differs from the visible title {page.h1!r}"
    if data.get("lastReviewed") != page.review_date:
        yield f"JSON-LD lastReviewed {data.get('lastReviewed')!r} differs from the visible review date {page.review_date!r}"


def _stray_citation(source_page) -> Location | None:
    """Where a `[@` that is not a citation is (a valid citation on an earlier line is not the culprit)."""
    if source_page is None or source_page.page is None:
        return None
    stray = citations.stray_openers(source_page.page.body, first_line=source_page.page.body_line)
    return Location(source_page.rel, stray[0][0]) if stray else find_line(source_page, ["[@"])


@gate_check(stage=SITE)
def check(project):
    for page, source_page in project.built_pages():
        for token in page.leftovers:
            yield Diagnostic("OUT001", f"unrendered '{token}' in the page text", page.rel, target=token,
                             source=_stray_citation(source_page) if token == "[@" else find_line(source_page, [token]))
        if not source_page or not source_page.page:
            continue
        meta = PageMeta.from_meta(source_page.page.meta)
        if not meta.is_content:
            continue
        if meta.last_reviewed is None or meta.next_review_due is None:
            continue  # the templates leave the review block out; META002/META003 name the cause at its line
        missing = [name for name, ok in (("review block", page.has_footer), ("disclosure", page.has_disclosure)) if not ok]
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + list(_jsonld_problems(page, meta))
        for problem in problems:
            yield Diagnostic("OUT002", problem, page.rel, source=Location(source_page.rel, 1))
