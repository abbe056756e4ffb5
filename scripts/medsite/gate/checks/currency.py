"""CUR: what has gone out of date (issue 22, "Currency").

- CUR001: a sentence that says what is true now (approved, licensed, "the only", "currently": the
  `currency.time_sensitive` patterns in gate.yml) rests on a work dated within `currency.window_months`
  of the page's last_reviewed, or says when it was true ("as of December 2024", "in June 2021").
- CUR002: a superseded work (`superseded_by:` or `status: superseded`) is cited only for history: the
  sentence matches a `currency.history` pattern (a past year or date, past tense, "earlier", "until").
  Kept simple on purpose: past-tense wording is the signal, and the References page marks the work too.
- CUR003, CUR004: the bibliography's currency fields are readable (a successor that exists, a real date).
- CUR005: a review due soon is a warning, before it is overdue (META005, an error that blocks every
  pull request); the weekly workflow lists the same pages in one issue (medsite.tools.review.due).
"""

from __future__ import annotations

import datetime as dt
import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, WARNING, Rule, declare, example_entry, gate_check
from medsite.gate.checks.prose import sentences
from medsite.sources import work_dates
from medsite.sources.currency_settings import Currency
from medsite.sources.pagemeta import add_months, to_date

SUPERSEDED_CITED = '\n# cited in a page: "{}"'  # how an example shows the page's sentence (tests/test_rule_examples.py)


def _superseded_entry(newer: str) -> str:
    """The example entry with `superseded_by` (example_entry would spell it superseded-by)."""
    return example_entry() + f"\n  superseded_by: {newer}"


# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "CUR001",
        ERROR,
        what='A sentence about regulatory status or what is true now (approved, licensed, authorised, "the only", '
        '"the latest", "currently", "now": gate.yml\'s currency.time_sensitive) cites no work dated within '
        "24 months (currency.window_months) of the page's last_reviewed, and does not say when it was true.",
        why='Approvals and "the only" statements expire: an FDA statement that no MSC product was approved stopped '
        "being true in December 2024, and readers cannot tell an old statement from a current one.",
        fix="Cite a recent work that says it, or date the sentence with the cited work's date: \"As of July 2020, "
        '..." or "In December 2024, ..." (a month and a year, from the verified record; never a guess).',
        bad="No stem-cell product is approved for MS [@smith2020].",
        good="As of March 2020, no stem-cell product was approved for MS [@smith2020].",
    ),
    Rule(
        "CUR002",
        ERROR,
        what="A sentence cites a superseded work (superseded_by: or status: superseded in docs/references.yaml) as "
        "if it were current.",
        why="The 2017 diagnostic criteria were revised in 2024: a page that quotes the old work as today's rule is wrong.",
        fix='Cite the newer work (the message names it), or make the sentence about the history: "In 2017, ...", '
        '"... was ...", "earlier criteria ..." (gate.yml\'s currency.history).',
        where="docs/references.yaml",
        bad=_superseded_entry("smith2020") + SUPERSEDED_CITED.format("Two attacks are needed [@example]."),
        good=_superseded_entry("smith2020") + SUPERSEDED_CITED.format("In 2015, two attacks were needed [@example]."),
    ),
    Rule(
        "CUR003",
        ERROR,
        what="A bibliography entry's superseded_by names no entry (or the entry itself), its status is not "
        "'superseded', or status: superseded has no reason.",
        why="The References page would point readers to a work that does not exist, and the gate could not tell which work replaces it.",
        fix="Name the newer entry's id (add the work first, from the verified list), or write status: superseded "
        "with reason: in a sentence.",
        where="docs/references.yaml",
        bad=_superseded_entry("smith2030"),
        good=_superseded_entry("smith2020"),
    ),
    Rule(
        "CUR004",
        ERROR,
        what="A bibliography date (issued, accessed or as_of) names no real day, month or year.",
        why="The gate judges how recent a cited statement is from these dates (CUR001).",
        fix="Copy the date from the verified record as YYYY-MM-DD (or its year and month only); never guess a date.",
        where="docs/references.yaml",
        bad=example_entry(issued="{date-parts: [[2022, 13]]}"),
        good=example_entry(issued="{date-parts: [[2022, 12]]}"),
    ),
    Rule(
        "CUR005",
        WARNING,
        what="The page's review is due within 30 days (currency.review_due_warning_days).",
        why="An overdue review is an error (META005) that stops every build: this gives the editors time to review first.",
        fix="Review the whole page, then update last_reviewed and next_review_due; the weekly workflow lists every page due soon in one issue.",
        where="front matter",
        bad="""\
last_reviewed: 2025-12-01
next_review_due: 2026-12-01""",
        good="""\
last_reviewed: 2026-11-25
next_review_due: 2027-11-25""",
    ),
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "as of December 2024", "in June 2021", "as at 3 June 2021", "until mid-2024" is not a month: a month and a year.
DATED = re.compile(
    rf"\b(?:as of|as at|in|on|by|until)\s+(?:(?:its|their|the|that|this)\s+)?(?:(?:early|mid|late)[- ])?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
    rf"{_MONTH}\.?,?\s+(?:1[89]|20)\d\d\b",
    re.I,
)


def settings(project) -> Currency:
    found = project.config.get("currency")
    return found if isinstance(found, Currency) else Currency()


def review_window(page, today: dt.date, days: int) -> dt.date | None:
    """The page's next_review_due if it falls within `days` of today (not yet overdue: META005), else None."""
    due = to_date(page.page.meta.get("next_review_due")) if page.page else None
    if due is None or due < today or (due - today).days > days:
        return None
    return due


def _dated(entry) -> tuple[str, work_dates.WorkDate | None]:
    return entry.id, work_dates.statement_date(entry.csl)


def _described(key: str, date: work_dates.WorkDate | None) -> str:
    return f"'{key}' ({date.field} {date.shown})" if date else f"'{key}' (no date)"


def _stale_sentences(page, bib, currency: Currency):
    last = to_date(page.page.meta.get("last_reviewed"))
    if last is None:
        return  # META002/META003 report it
    cutoff = add_months(last, -currency.window_months)
    for s in sentences(page):
        if s.place != "body":
            continue
        if s.text.rstrip(" .").endswith("?"):
            continue  # a question ("Is it approved where I live?") states nothing
        trigger = currency.trigger(s.text)
        if trigger is None or DATED.search(s.text) or currency.is_dated(s.text):
            continue
        works = [_dated(bib.get(k)) for k in dict.fromkeys(s.keys) if bib.get(k) is not None]
        if not works:
            continue  # no source to date (unknown keys are REF001's; uncited claims are the reviewer's)
        if any(date and date.day >= cutoff for _, date in works):
            continue
        rests_on = ", ".join(_described(k, d) for k, d in works)
        yield Diagnostic(
            "CUR001",
            f"'{trigger}' says what is true now, but the sentence rests on {rests_on}, "
            f"none dated on or after {cutoff} ({currency.window_months} months before last_reviewed {last})",
            page.rel,
            s.line,
            target=trigger,
            hint="cite a recent work that says it, or say when it was true: 'As of <month year>, ...' "
            "with the cited work's date from the verified record",
        )


def _superseded_citations(page, bib, currency: Currency):
    for s in sentences(page):
        if s.place != "body" or not s.keys or currency.is_history(s.text):
            continue
        for key in dict.fromkeys(s.keys):
            entry = bib.get(key)
            if entry is None or not work_dates.is_superseded(entry.csl):
                continue
            newer = work_dates.superseded_by(entry.csl)
            why = (
                f"superseded by '{newer}'"
                if newer
                else f"superseded ({work_dates.reason(entry.csl) or 'no reason given'})"
            )
            yield Diagnostic(
                "CUR002",
                f"the sentence cites '{key}', {why}, as if it were current",
                page.rel,
                s.line,
                target=key,
                hint=(f"cite [@{newer}] instead" if newer else "cite the current work")
                + ", or make the sentence about the history ('In 2017, ...', '... was ...')",
            )


@gate_check(stage=SOURCE)
def check_entries(project):
    """CUR003, CUR004: the currency fields of every bibliography entry."""
    bib = project.bibliography
    if bib is None:
        return
    for entry in bib.entries:
        for field, why in work_dates.date_problems(entry.csl):
            yield Diagnostic(
                "CUR004",
                f"entry '{entry.id}': '{field}' is not a real date ({why})",
                bib.path,
                entry.line_of(field),
                target=field,
                hint="copy the date from the verified record as YYYY-MM-DD, or its year and month only",
            )
        for field, what, fix in work_dates.supersession_problems(entry.csl, bib.by_id.keys()):
            yield Diagnostic(
                "CUR003", f"entry '{entry.id}': {what}", bib.path, entry.line_of(field), target=field, hint=fix
            )


@gate_check(stage=SOURCE)
def check_pages(project):
    """CUR001, CUR002 in the pages' sentences; CUR005 in their front matter."""
    currency = settings(project)
    bib = project.bibliography
    for page in project.pages:
        if page.page is None:
            continue
        due = review_window(page, project.today, currency.review_due_warning_days)
        if due is not None:
            days = (due - project.today).days
            yield Diagnostic(
                "CUR005",
                f"review due on {due}, in {days} day{'s' if days != 1 else ''}",
                page.rel,
                page.page.line_of("next_review_due"),
                target="next_review_due",
                hint="review the whole page, then update last_reviewed and next_review_due",
            )
        if bib is None:
            continue
        if page.page.meta.get("page_type") in currency.page_types:
            yield from _stale_sentences(page, bib, currency)
        yield from _superseded_citations(page, bib, currency)
