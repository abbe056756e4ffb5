"""VER012, VER013: the sentences that cite a retracted, doubted or corrected work.

The notices come from the verification lock (medsite.sources.worknotices); readers see them beside the
reference in the footnote and on the References page. Here each citing sentence is judged: a retracted
work is no support, unless the sentence is about the retraction; a correction or an expression of concern
leaves the work citable, but the editor re-reads the sentence against the notice. For cited works these
replace the lock's own VER003/VER004/VER006 at the bibliography line (gate/checks/verification.py), which
cannot tell a sentence that relies on the work from one that reports its retraction.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, WARNING, Rule, declare, gate_check
from medsite.gate.checks.prose import sentences
from medsite.lock.lockcheck import example_lock
from medsite.sources import worknotices
from medsite.sources.pagemeta import human_date


def _lock_with_notice(kind: str, doi: str) -> str:
    """A rule example: the lock of a work that has a notice of this kind."""
    evidence = {"registered_titles": ["A study of MS"], "updates": [{"type": kind, "doi": doi, "date": "2025-03-01"}]}
    return example_lock("doi", evidence=evidence)


# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "VER012",
        ERROR,
        what="A sentence cites a retracted (or withdrawn) work as support.",
        why="A retracted study is not evidence; readers would take the claim as supported.",
        fix="Cite another work for the claim, or rewrite the sentence to say that the work was retracted "
        "(the sentence then names the retraction, e.g. 'was retracted in 2025').",
        where="verification.lock.json",
        bad=_lock_with_notice("retraction", "10.1000/notice"),
        good=example_lock("doi"),
    ),
    Rule(
        "VER013",
        WARNING,
        what="A sentence cites a work that has a correction or an expression of concern.",
        why="A correction can change the numbers the sentence gives; an expression of concern means the journal "
        "doubts the results.",
        fix="Read the notice (linked beside the reference) and check that the sentence still says what the work "
        "shows; say so in the pull request.",
        where="verification.lock.json",
        bad=_lock_with_notice("correction", "10.1000/fix"),
        good=example_lock("doi"),
    ),
)

_A = {worknotices.CONCERN: "an expression of concern", worknotices.CORRECTION: "a correction"}
# A sentence about the retraction names it.
# Wording about the retraction itself. Not "withdrew" or "withdrawal" alone: trials say "3 people withdrew".
ABOUT_RETRACTION = re.compile(
    r"\bretract\w*|\bwithdrawal notice\b|\bwithdrawn (?:by (?:the|its) (?:journal|publisher|authors)|from publication)\b", re.I)


def _notice(notice: worknotices.Notice) -> str:
    """'the retraction notice of 1 March 2025, https://doi.org/...' (as much as the lock records)."""
    when = f" of {human_date(notice.day)}" if notice.day else ""
    where = f", {notice.url}" if notice.url else ""
    return f"the {notice.link_text}{when}{where}"


@gate_check(stage=SOURCE)
def cited_notices(project):
    bib = project.bibliography
    if bib is None:
        return
    notices = worknotices.load(project.root)
    if not notices:
        return
    for page in project.pages:
        for sentence in sentences(page):
            for key in dict.fromkeys(sentence.keys):
                entry = bib.get(key)
                found = worknotices.of_entry(notices, entry) if entry else []
                retracted = [n for n in found if n.kind == worknotices.RETRACTION]
                if retracted and not ABOUT_RETRACTION.search(sentence.text):
                    yield Diagnostic(
                        "VER012",
                        f"'{key}' is cited as support, but the work is retracted (see {_notice(retracted[0])})",
                        page.rel,
                        sentence.line,
                        target=key,
                    )
                elif not retracted:
                    for notice in found:
                        yield Diagnostic(
                            "VER013",
                            f"'{key}' has {_A[notice.kind]}"
                            f" (see {_notice(notice)}): re-check that this sentence still holds",
                            page.rel,
                            sentence.line,
                            target=key,
                        )
