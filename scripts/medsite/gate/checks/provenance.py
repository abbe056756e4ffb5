"""EVID003: every number in a cited sentence says what a work cited in that sentence found.

Each bibliography entry carries `findings` (never rendered): the work's verified
finding in our own words, with every number a page uses from it. A number in a
sentence that cites works must be among the numbers of those works' findings,
read with `medsite.core.quantities` so that honest rewordings compare equal ("2.8
million" = "2,800,000", "1 in 10" = "10%", "about 2 in 100" ~ "2.3%").

A figure a page works out from a finding ("18 in 100" from a rate of 0.18) is accepted when
the entry's `derived:` list gives the sum ("18 in 100 = 0.18 × 100", grammar in
`medsite.sources.derivations`) and the sum holds: its source figure is among the entry's findings
numbers and the arithmetic is right (EVID005; a derivation the grammar cannot read is REF014's).

Not checked: years and days that date something rather than report a result
(`quantities.is_date`), and sentences that cite a work without a `findings` field
(REF011 warns about the entry instead, so a new entry never breaks a build).
"""

from __future__ import annotations

from functools import lru_cache

from medsite.core import quantities
from medsite.core.diagnostics import Diagnostic
from medsite.core.readertext import reader_text
from medsite.core.rule import ERROR, SOURCE, Rule, declare, example_entry, gate_check
from medsite.gate.checks.prose import sentences
from medsite.sources import derivations

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("EVID003", ERROR,
         what="A number in a sentence with a citation is not among the numbers of the findings of any work cited in that sentence (dates such as 'In 2020' or the cited work's year are not checked).",
         why="A citation must support the number it sits beside; a wrong or made-up number looks just as trustworthy as a right one.",
         fix="Use the number the work found (see its `findings` in docs/references.yaml; '1 in 10' and '10%' count as the same), cite the work the number comes from, or add it to the findings if the verified finding has it. A figure worked out from a finding goes in the entry's `derived:` list as its sum ('18 in 100 = 0.18 × 100'). A real exception: <!-- gate-ignore EVID003: reason -->.",
         bad="In the trial, 37% relapsed within 2 years [@smith2020].",
         good="In the trial, 27% relapsed within 2 years [@smith2020]."),
    Rule("EVID005", ERROR,
         what="A bibliography entry's `derived` figure does not follow from its findings: the source figure on the right is not among the entry's findings numbers, or the sum does not give the figure on the left.",
         why="A derived figure is accepted beside a citation (EVID003) as if the work had found it; a slip in the sum ('27 in 1,000' for 27%) would reach readers with the work's authority.",
         fix="Start the right side from a figure the entry's findings give, and make the sum give the page's figure: a percentage or 'N in M' is its rate (18% = 18 in 100 = 0.18), '× 100' or '÷ 1,000' scale it, and 'rounded' rounds at the page figure's last digit ('36 in 100,000 = 35.9 per 100,000 rounded'). Or correct the figure on the page.",
         where="docs/references.yaml",
         bad=example_entry(derived="['27 in 1,000 = 27%']"),
         good=example_entry(derived="['270 in 1,000 = 27%']")),
)


@lru_cache(maxsize=4096)
def _finding_numbers(findings: tuple[str, ...]) -> tuple[quantities.Quantity, ...]:
    return tuple(q for text in findings for q in quantities.quantities(reader_text(text), with_parts=True))


@lru_cache(maxsize=1024)
def _derived_figures(findings: tuple[str, ...], lines: tuple[str, ...]) -> tuple[quantities.Quantity, ...]:
    """The page figures an entry's derivations give, those that hold against its own findings."""
    return tuple(derivations.figures(lines, _finding_numbers(findings))) if lines else ()


def derivation_problems(entry):
    """(derivation, why it does not hold) for each well-formed derivation of `entry` (malformed ones are REF014's)."""
    found = _finding_numbers(tuple(entry.findings or ()))
    for text in entry.derived or ():
        try:
            d = derivations.read(text)
        except derivations.Malformed:
            continue
        why = derivations.problem(d, found)
        if why:
            yield text, why


def unsupported(sentence, bibliography):
    """(number, keys looked in) for each number in a cited sentence that no cited work's findings give.

    None when a cited work has no (valid) findings: such numbers cannot be checked.
    """
    entries = [bibliography.get(key) for key in sentence.keys]
    entries = [e for e in entries if e is not None]  # unknown keys are REF001's
    if not entries or any(e.findings is None for e in entries):
        return None
    found = _finding_numbers(tuple(f for e in entries for f in e.findings))
    found += tuple(q for e in entries for q in _derived_figures(tuple(e.findings), tuple(e.derived or ())))
    years = {e.year for e in entries if e.year}
    text = sentence.text
    missing = {}
    for q in quantities.quantities(text):
        if quantities.is_date(q, text, years):
            continue
        if not quantities.supported(q, found):
            missing.setdefault(q.describe(), q)  # a range, or a number written twice, is reported once
    return list(missing.values()), [e.id for e in entries]


@gate_check(stage=SOURCE)
def check(project):
    bib = project.bibliography
    if bib is None:
        return
    for entry in bib.entries:
        for text, why in derivation_problems(entry):
            no_findings = "" if entry.findings else " (the entry has no readable findings)"
            yield Diagnostic("EVID005", f"entry '{entry.id}': derived '{text}' does not hold: {why}{no_findings}",
                             bib.path, entry.line_of("derived"), target=text,
                             hint="start from a figure in the entry's findings and make the sum give the page's figure "
                                  "(a percentage or 'N in M' is its rate; 'rounded' rounds at the page figure's last digit)")
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
