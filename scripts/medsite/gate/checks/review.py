"""REVIEW: clinical sign-off bound to the text it approved.

The reviewers (mkdocs.yml extra.editorial_team) and the records (reviews.yml) are read and their faults
reported by medsite.sources.reviews; this check adds what needs the pages: a record of a page that
does not exist, a page changed since its review (its fingerprint, medsite.markdown.fingerprint, no
longer the record's), front matter that disagrees with a record, and, on the built site, a page that
claims a review no record backs.
"""

from __future__ import annotations

import datetime as dt
import json

from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, SOURCE, WARNING, Rule, declare, gate_check
from medsite.markdown import fingerprint
from medsite.sources import reviews
from medsite.sources.pagemeta import PageMeta, to_date

# The rules' examples are records of the two fixture pages tests/test_rule_examples.py places beside
# reviews.yml (a condition page and a treatment page); a good example's fingerprint is that page's.


def _record(page: str, date: str, fingerprint: str) -> str:
    return reviews.example_record(page=f"docs/{page}.md", date=date, fingerprint=f"sha256:{fingerprint}")


CONDITION_FINGERPRINT = "ebca461529b3e7f6416fad0472fa82335fc03e6e2a74f62cfde30fd03e607bb6"
TREATMENT_FINGERPRINT = "6538a8b1a465dc23cd24767a29fc2e865cc0f5b617d37d719570c77b29a61b53"
CHANGED = "1" * 64

RULES = declare(
    Rule(
        "REVIEW005",
        WARNING,
        what="The page, an include it uses or a work it cites has changed since its clinical review: the page "
        "now says 'Changed since its clinical review on ... — awaiting re-review' instead of naming the reviewer.",
        why="A clinician signed off the text they read; a reader must not be told a changed text was reviewed.",
        fix="Ask a listed clinical reviewer to read the whole page again, then run "
        "`make review PAGE=docs/page.md REVIEWER=id` (from the browser: ask the reviewer in the pull request); or undo the change.",
        where=reviews.RECORDS,
        bad=_record(page="reviewed", date="2026-11-20", fingerprint=CHANGED),
        good=_record(page="reviewed", date="2026-11-20", fingerprint=CONDITION_FINGERPRINT),
    ),
    Rule(
        "REVIEW006",
        ERROR,
        what="A page of a type gate.yml names in review_changed_error_page_types (treatment and clinic pages) has "
        "changed since its clinical review.",
        why="For these pages the publisher decided that a change must be clinically re-reviewed before it is published.",
        fix="Ask a listed clinical reviewer to review the changed page, then run "
        "`make review PAGE=docs/page.md REVIEWER=id` (from the browser: ask the reviewer in the pull request); or undo the change.",
        where=reviews.RECORDS,
        bad=_record(page="reviewed-treatment", date="2026-11-20", fingerprint=CHANGED),
        good=_record(page="reviewed-treatment", date="2026-11-20", fingerprint=TREATMENT_FINGERPRINT),
    ),
    Rule(
        "REVIEW007",
        WARNING,
        what="The front matter disagrees with the page's review record: last_reviewed is not the record's date, "
        "next_review_due is later than the record's, or reviewed_by names someone else.",
        why="While the record holds the page shows the record's reviewer and dates; front matter that says "
        "otherwise misleads the next editor.",
        fix="Copy the record's values into the front matter (the message gives them); an earlier next_review_due "
        "is the editor's to set and is shown.",
        where=reviews.RECORDS,  # beside a page whose front matter says last_reviewed: 2026-11-20
        bad=_record(page="reviewed", date="2026-11-19", fingerprint=CONDITION_FINGERPRINT),
        good=_record(page="reviewed", date="2026-11-20", fingerprint=CONDITION_FINGERPRINT),
    ),
    Rule(
        "REVIEW008",
        ERROR,
        what="A built page names a clinical reviewer (in its review block or its JSON-LD reviewedBy) that no review "
        "record matching the page's current text backs.",
        why="Nothing published may claim a review it does not have.",
        fix="Do not write reviewers into templates or pages: a review is shown only from a matching record in "
        "reviews.yml (`make review`). Rebuild with `make site`; from the browser, undo the template change in the pull request.",
        where="site/page/index.html",
        bad='<p>Text.</p><aside class="health-footer"><p class="health-footer__byline"><span class="health-footer__reviewed">'
        'Clinically reviewed by Dr Invented, Neurologist on <time datetime="2026-11-20">20 November 2026</time>.'
        '</span></p><p class="health-footer__dates">Page last reviewed: <time datetime="2026-11-25">25 November 2026</time>.'
        '</p><p class="health-footer__disclosure">Disclosure.</p></aside>',
        good="<p>Text.</p>",
    ),
)


def _reviews(project) -> reviews.Reviews:
    if not hasattr(project, "_clinical_reviews"):
        project._clinical_reviews = reviews.load(
            project.root, project.extra, pages={p.rel for p in project.pages}, today=project.today
        )
    return project._clinical_reviews


def _state(project, page, found: reviews.Reviews) -> reviews.ReviewState:
    if page.page is None or found.latest(page.rel) is None:
        return reviews.ReviewState(reviews.NONE)
    return found.state_of(page.rel, fingerprint.fingerprint(page.page, project.includes_dir, project.bibliography))


def _front_matter_conflicts(page, state: reviews.ReviewState):
    record, who, meta = state.record, state.reviewer, page.page.meta
    line, hint = page.page.line_of, f"the record (reviews.yml line {record.line}) says: "
    last, due = to_date(meta.get("last_reviewed")), to_date(meta.get("next_review_due"))
    if last is not None and last != record.date:
        yield Diagnostic(
            "REVIEW007",
            f"last_reviewed {last} differs from the clinical review record's {record.date}; "
            "the page shows the record's",
            page.rel,
            line("last_reviewed"),
            hint=hint + f"last_reviewed: {record.date}",
        )
    if due is not None and due > record.next_review_due:
        yield Diagnostic(
            "REVIEW007",
            f"next_review_due {due} is later than the clinical review record's "
            f"{record.next_review_due}; the page shows the record's",
            page.rel,
            line("next_review_due"),
            hint=hint + f"next_review_due: {record.next_review_due}",
        )
    named = str(meta.get("reviewed_by") or "").strip()
    if named and who is not None and named not in (who.id, who.name):
        yield Diagnostic(
            "REVIEW007",
            f"reviewed_by '{named}' is not the reviewer of the page's review record, {who.name}",
            page.rel,
            line("reviewed_by"),
            target=named,
            hint=hint + f'reviewed_by: "{who.name}" (or leave it empty)',
        )


@gate_check(stage=SOURCE)
def check(project):
    found = _reviews(project)
    yield from found.problems
    error_types = set(project.config.get("review_changed_error_page_types") or [])
    for page in project.pages:
        state = _state(project, page, found)
        if state.status == reviews.CHANGED:
            page_type = PageMeta.from_meta(page.page.meta).page_type
            code = "REVIEW006" if page_type in error_types else "REVIEW005"
            yield Diagnostic(
                code,
                f"the page has changed since its clinical review on {state.record.date} by "
                f"{state.reviewer.name}: it now says 'awaiting re-review'",
                page.rel,
                page.page.body_line,
                source=Location(reviews.RECORDS, state.record.line),
                hint="ask a listed reviewer to review the whole page again, then run "
                f"`make review PAGE={page.rel} REVIEWER=id`; or undo the change",
            )
        elif state.status == reviews.HOLDS:
            yield from _front_matter_conflicts(page, state)
            # When the front matter's own date has passed too, META005 is already reported at the page (meta.py).
            front_due = PageMeta.from_meta(page.page.meta).next_review_due if page.page else None
            front_overdue = isinstance(front_due, dt.date) and front_due < project.today
            if state.record.next_review_due < project.today and not front_overdue:
                yield Diagnostic(
                    "META005",
                    f"the clinical review of {state.record.date} was due again on {state.record.next_review_due}",
                    reviews.RECORDS,
                    state.record.line,
                    hint=f"ask a listed reviewer to review the whole page, then run `make review PAGE={page.rel} REVIEWER=id`",
                )


def _claimed_reviewer(project, page) -> str | None:
    """The reviewer a built page names, in its review block or its JSON-LD; None when it names none."""
    for text in page.jsonld:
        try:
            data = json.loads(text)
        except ValueError:
            continue  # OUT002 reports it
        person = data.get("reviewedBy") if isinstance(data, dict) else None
        if person:
            return str(person.get("name") if isinstance(person, dict) else person)
    try:
        html = (project.site.root / page.rel.split("/", 1)[1]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    node = LexborHTMLParser(html).css_first(".health-footer__reviewed")
    return node.text(deep=True).strip() if node is not None else None


@gate_check(stage=SITE)
def check_built(project):
    found = _reviews(project)
    for built, source in project.built_pages():
        claimed = _claimed_reviewer(project, built)
        if claimed is None:
            continue
        state = _state(project, source, found) if source is not None else reviews.ReviewState(reviews.NONE)
        backed = state.status == reviews.HOLDS and state.reviewer is not None and state.reviewer.name in claimed
        if not backed:
            why = {
                reviews.NONE: "the page has no valid review record",
                reviews.CHANGED: f"the page has changed since its review on {state.record.date if state.record else ''}",
                reviews.HOLDS: "the record names someone else",
            }[state.status]
            yield Diagnostic(
                "REVIEW008",
                f"the page names a clinical reviewer ({claimed[:80]}) but {why}",
                built.rel,
                source=Location(source.rel, 1) if source is not None else None,
                hint="rebuild with `make site`; a review is shown only from a matching record in reviews.yml",
            )
