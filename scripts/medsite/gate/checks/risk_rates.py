"""RISK001-RISK002: in a page's risks part ({#risks}), a harm with a number says how often and over what time.

"3 people died" tells a reader nothing about their own risk; "about 2 in 100 people died within a year" does.
A harm count needs a rate form in its sentence ("X in 100", "X in 1,000", "X%", "X of Y people", "for every
100 people"): RISK001, an error. A rate needs the time it was counted over ("within a year", "over 5 years",
"each year", "during treatment", "when they started") in its sentence, in an earlier sentence of the same
list item or paragraph, or in the lead-in line that opens its list; or the statement says the source gives
no period ("does not say how long"): else RISK002, a warning, since a source may truly give none.

Numbers are read by medsite.core.quantities; years that date something are not counts. Counts that size
a study ("in 3546 people", "a study of 38 women"), the numbers of a period ("over 12 months") and scores
("grade 3") are not harm counts.
"""

from __future__ import annotations

import re

from medsite.core import quantities
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, WARNING, Rule, declare, gate_check
from medsite.gate.checks.page_parts import section
from medsite.gate.checks.prose import paragraphs, sentences

RULES = declare(
    Rule("RISK001", ERROR,
         what="In the risks part ({#risks}), a harm is given as a count with no rate: '3 people died', '12 serious infections', with no 'X in 100', 'X%' or 'X of Y people'.",
         why="A count without the number of people it happened to cannot tell readers how likely the harm is for them.",
         fix="Say how often, as the source gives it: '3 of the 150 people treated died', 'about 2 in 100 people', or '2%'.",
         bad="## Risks and side effects {#risks}\n\n3 people died after the treatment [@smith2020].",
         good="## Risks and side effects {#risks}\n\n3 of the 150 people treated died within a year [@smith2020]."),
    Rule("RISK002", WARNING,
         what="In the risks part ({#risks}), a harm rate does not say over what time it was counted (a period such as 'within a year', 'over 5 years', 'each year', or 'during treatment').",
         why="'2 in 100' over a month and over ten years are very different risks.",
         fix="Add the period the source gives, in the sentence or in the lead-in line of its list; if the source gives none, say so ('the study does not say how long people were followed').",
         bad="## Risks and side effects {#risks}\n\nAbout 2 in 100 people had a serious infection [@smith2020].",
         good="## Risks and side effects {#risks}\n\nAbout 2 in 100 people had a serious infection within a year [@smith2020]."),
)

RISKS = "risks"
_NUMBER = r"(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|many|the)"
_UNIT = r"(?:hours?|days?|weeks?|months?|years?|decades?)"
# The time a rate was counted over.
PERIOD = re.compile(
    rf"\b{_NUMBER}(?:\s*(?:-|–|to|or)\s*{_NUMBER})?[- ]+(?:first\s+|same\s+|following\s+)?{_UNIT}\b"  # 2 years, 3 to 4 months, a 5-year follow-up
    rf"|\b(?:within|for|over|after|in)\s+(?:hours|days|weeks|months|years)\b"
    r"|\b(?:a|per|each|every)\s+(?:year|month|week|day)\b"
    r"|\bduring\s+(?:the\s+)?(?:treatment|pregnancy|drip|infusion|study|trials?|follow-up|transplant|stay)\b"
    r"|\b(?:when|while|after|on)\s+(?:you\s+|they\s+|people\s+)?(?:start|took|tak|receiv|hav|stopp|us)\w*"
    r"|\bover\s+the\s+(?:years|course|time)\b|\bfollowed\b|\bfollow[- ]up\b"
    r"|\b(?:from|between)\s+(?:19|20)\d\d\s+(?:to|until|and|-|–)\s+(?:19|20)\d\d\b",  # counted from 2003 to 2019
    re.I)
# A statement that the source gives no period is the honest form when it gives none.
NO_PERIOD_GIVEN = re.compile(r"\b(?:not|never)\s+(?:say|said|says|give|gives|state|states|report|reports|know)\s+"
                             r"(?:how\s+long|over\s+what\s+time|when|for\s+how\s+long)\b", re.I)
# A rate per event (a birth, a transplant) is counted over that event, not over a time.
_EVENT = re.compile(r"\b(?:in|of|per|for\s+every)\s+[\d,]+\s+(?:babies|births|pregnancies|transplants|procedures|operations|"
                    r"doses|injections|infusions|punctures)\b", re.I)
# "of 150 people", "for every 100", "out of 20": the count has its group.
# Before a number: it sizes a study, or is a score, not a count of harms.
_NOT_A_HARM_COUNT = re.compile(r"(?:\b(?:of|in|among|from|followed|studied|included|enrolled|treated|with|across|looked\s+at|"
                               r"grade|score|level|EDSS|aged?|dose|doses)\s+(?:the\s+|about\s+|some\s+|nearly\s+|over\s+|"
                               r"more\s+than\s+|almost\s+|around\s+)?)$", re.I)
_PEOPLE = r"(?:people|patients|persons|participants|adults|children|women|men|babies|volunteers)"
# "of 150 people", "for every 100", "out of 20", "each person": the count has its group ("in 2019" is a date).
DENOMINATOR = re.compile(r"\b(?:of|in|per|among|out\s+of|for\s+every)\s+(?:the\s+|every\s+|each\s+|these\s+|those\s+)?"
                         rf"(?!(?:18|19|20)\d\d\b(?!\s+{_PEOPLE}))\d[\d,]*\b"
                         r"|\b(?:each|per|every)\s+(?:person|patient|participant)\b", re.I)


def _has_group(text: str) -> bool:
    """Whether the sentence says out of how many ("of 150 people"); "in 12 months" is a period, not a group."""
    periods = [m.span() for m in PERIOD.finditer(text)]
    return any(all(m.end() <= a or m.start() >= b for a, b in periods) for m in DENOMINATOR.finditer(text))


_HARM_NOUN = (r"(?:deaths?|cases?|infections?|reactions?|side[- ]effects?|adverse\s+events?|cancers?|tumou?rs?|"
              r"complications?|strokes?|seizures?|bleeds?|harms?|hospital\s+stays?|admissions?)")
_HARM_VERB = (r"(?:died|dies|die|had|got|developed|experienced|suffered|needed|caught|became\s+ill|were\s+(?:harmed|hurt|"
              r"admitted|paralysed|injured)|stay(?:ed)?\s+paralysed)")
# After a number: what it counts is a harm ("3 deaths", "3 serious infections", "3 people died").
HARM_AFTER = re.compile(rf"^\s*(?:(?:[\w-]+\s+){{0,2}}{_HARM_NOUN}\b|(?:{_PEOPLE}\s+)?(?:[\w-]+\s+){{0,3}}?{_HARM_VERB}\b)", re.I)


def _statements(page, part):
    """The statements (list items, paragraphs) of a section: (first line, last line, lead-in text or '')."""
    out, lead_in = [], ""
    for para in paragraphs(page):
        first, last = para[0][0], para[-1][0]
        if not part.line < first <= part.end or para[0][2] != "body":
            continue
        is_item = bool(re.match(r"^\s*(?:[-*+]|\d+[.)])\s", para[0][1]))
        text = " ".join(t.strip() for _, t, _ in para)
        if not is_item:
            lead_in = text if text.rstrip().endswith(":") else ""
        out.append((first, last, lead_in if is_item else ""))
    return out


def harm_counts(text: str, years: set[int]) -> list[quantities.Quantity]:
    """The numbers in `text` that count harms: not rates, dates, periods, study sizes or scores."""
    periods = [m.span() for m in PERIOD.finditer(text)]
    found = []
    for q in quantities.quantities(text):
        if q.kind != "n" or quantities.is_date(q, text, years) or any(a <= q.start < b for a, b in periods):
            continue
        if _NOT_A_HARM_COUNT.search(text[max(0, q.start - 40):q.start]):
            continue
        if HARM_AFTER.match(text[q.end:q.end + 80]):
            found.append(q)
    return found


def _rates(text: str, years: set[int]) -> list[quantities.Quantity]:
    periods = [m.span() for m in PERIOD.finditer(text)]
    return [q for q in quantities.quantities(text)
            if q.kind == "r" and not quantities.is_date(q, text, years) and not any(a <= q.start < b for a, b in periods)]


def _years(project, keys) -> set[int]:
    bib = project.bibliography
    entries = [bib.get(k) for k in keys] if bib is not None else []
    return {e.year for e in entries if e is not None and e.year}


def _by_statement(found, statements):
    """The sentences of each statement, in one pass (both are in line order)."""
    out, i = [], 0
    for first, last, lead_in in statements:
        while i < len(found) and found[i].line < first:
            i += 1
        said = []
        while i < len(found) and found[i].line <= last:
            said.append(found[i])
            i += 1
        out.append((said, lead_in))
    return out


def page_diagnostics(project, page):
    part = section(page, RISKS)
    if part is None:
        return
    found = [s for s in sentences(page) if s.place == "body" and part.line < s.line <= part.end]
    for said, lead_in in _by_statement(found, _statements(page, part)):
        period_so_far = bool(PERIOD.search(lead_in))  # a period in the lead-in or an earlier sentence covers what follows
        disclosed = any(NO_PERIOD_GIVEN.search(s.text) for s in said)
        for s in said:
            period_so_far = period_so_far or bool(PERIOD.search(s.text))
            years = _years(project, s.keys)
            counts = harm_counts(s.text, years)
            rates = _rates(s.text, years)
            has_group = _has_group(s.text)
            if counts and not rates and not has_group:
                yield Diagnostic("RISK001", f"harm given as a count ('{counts[0].describe()}') with no rate: say out of how many people",
                                 page.rel, s.line, target=counts[0].describe(),
                                 hint="write it as the source gives it: 'X of the Y people treated', 'about X in 100 people' or 'X%'")
                continue
            if not rates and not (counts and has_group):
                continue
            if period_so_far or disclosed or _EVENT.search(s.text):
                continue
            shown = (rates[0] if rates else counts[0]).describe()
            yield Diagnostic("RISK002", f"harm rate '{shown}' does not say over what time it was counted", page.rel, s.line,
                             target=shown, hint="add the period the source gives ('within a year', 'over 2 years', "
                                                "'during treatment'), or say that the source gives none")


@gate_check(stage=SOURCE)
def check(project):
    for page in project.pages:
        if page.page is not None and not page.error:
            yield from page_diagnostics(project, page)
