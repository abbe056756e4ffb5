"""OFFER: the clinic's own answers about its offer (docs/about/editorial-policy.md, the clinic facts)."""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import SOURCE, gate_check
from medsite.sources import offer_facts


def _marker_pages(project):
    for page in project.pages:
        if page.page is None:
            continue
        for line_no, text in page.prose_lines():
            if offer_facts.MARKER in text or offer_facts.STATUS_MARKER in text:
                yield page, line_no


@gate_check(stage=SOURCE)
def check(project):
    setting = project.extra.get("clinic_offer")
    path = str(setting or offer_facts.DEFAULT_PATH)
    users = list(_marker_pages(project))
    if not setting and not users and not (project.root / path).exists():
        return  # a site that shows no offer panel needs no offer file
    try:
        facts = offer_facts.load(path, project.root)
    except DiagnosticError as exc:
        yield from exc.diagnostics
        for page, line_no in users:
            yield Diagnostic("OFFER002", f"the offer panel cannot be filled: {path} has errors (reported there)", page.rel, line_no,
                             hint="fix the offer file; until then the page shows every fact as not disclosed")
        return
    yield from offer_facts.undisclosed_warnings(facts)
