"""EVID003: every number in a cited sentence says what a work cited in that sentence found.

Each bibliography entry carries `findings` (never rendered): the work's verified
finding in our own words, with every number a page uses from it. A number in a
sentence that cites works must be among the numbers of those works' findings,
read with `medsite.core.quantities` so that honest rewordings compare equal ("2.8
million" = "2,800,000", "1 in 10" = "10%", "about 2 in 100" ~ "2.3%").

Not checked: years and days that date something rather than report a result
(`quantities.is_date`), and sentences that cite a work without a `findings` field
(REF011 warns about the entry instead, so a new entry never breaks a build).
"""

from __future__ import annotations

from functools import lru_cache

from medsite.core import quantities
from medsite.core.diagnostics import Diagnostic
from medsite.core.readertext import reader_text
from medsite.core.rule import ERROR, Rule, declare
from medsite.gate.checks.prose import sentences

# The codes this module reports, beside the check (collected by medsite.gate.rules for GATE-CODES.md).
RULES = declare(
    Rule("EVID003", ERROR,
         what="A number in a sentence with a citation is not among the numbers of the findings of any work cited in that sentence (dates such as 'In 2020' or the cited work's year are not checked).",
         why="A citation must support the number it sits beside; a wrong or made-up number looks just as trustworthy as a right one.",
         fix="Use the number the work found (see its `findings` in docs/references.yaml; '1 in 10' and '10%' count as the same), cite the work the number comes from, or add it to the findings if the verified finding has it. A real exception: <!-- gate-ignore EVID003: reason -->.",
         bad="In the trial, 37% relapsed within 2 years [@smith2020].",
         good="In the trial, 27% relapsed within 2 years [@smith2020]."),
)


@lru_cache(maxsize=4096)
def _finding_numbers(findings: tuple[str, ...]) -> tuple[quantities.Quantity, ...]:
    return tuple(q for text in findings for q in quantities.quantities(reader_text(text), with_parts=True))


def unsupported(sentence, bibliography):
    """(number, keys looked in) for each number in a cited sentence that no cited work's findings give.

    None when a cited work has no (valid) findings: such numbers cannot be checked.
    """
    entries = [bibliography.get(key) for key in sentence.keys]
    entries = [e for e in entries if e is not None]  # unknown keys are REF001's
    if not entries or any(e.findings is None for e in entries):
        return None
    found = _finding_numbers(tuple(f for e in entries for f in e.findings))
    years = {e.year for e in entries if e.year}
    text = sentence.text
    missing = {}
    for q in quantities.quantities(text):
        if quantities.is_date(q, text, years):
            continue
        if not quantities.supported(q, found):
            missing.setdefault(q.describe(), q)  # a range, or a number written twice, is reported once
    return list(missing.values()), [e.id for e in entries]


def check(project):
    bib = project.bibliography
    if bib is None:
        return
    for page in project.pages:
        for s in sentences(page):
            if s.place != "body" or not s.has_cite:
                continue
            result = unsupported(s, bib)
            if not result:
                continue
            missing, keys = result
            for q in missing:
                yield Diagnostic("EVID003", f"number '{q.describe()}' is not in the findings of {', '.join(keys)}",
                                 page.rel, s.line, target=q.describe(),
                                 hint="use the number the cited work found (its findings in docs/references.yaml), cite the work it comes from, "
                                      "or add it to that work's findings if the verified finding has it")
