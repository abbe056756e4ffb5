"""EVID004: a relative change ("a third fewer", "halved", "40% lower") without the absolute figures beside it.

A relative figure alone overstates: "halves the risk" sounds the same whether
the risk falls from 2 in 100 to 1 in 100 or from 40 to 20. The editorial
policy asks for the absolute figures in the same sentence.

Relative (any of):
- a fraction or percentage with a comparative: "a third fewer", "40% lower",
  "25% reduction" (fewer, less, lower, higher, more, greater, smaller, reduction,
  decrease, increase, drop, fall, rise);
- "halved", "doubled", "tripled" (and -s, -ing), "half as many", "twice as likely",
  "3 times more", "2-fold";
- a change "by" a fraction or percentage: "reduced the risk by 40%", "cut relapses by half";
- "relative risk", "risk ratio", "hazard ratio", "odds ratio".
Absolute (any of, in the same sentence): a frequency ("27 in 100", "1 out of 10",
"2 of every 100", "3 per 1,000"), two or more percentages that are not themselves
relative ("27% ... 46%"), or "from X to Y".
"""

from __future__ import annotations

import re

from medsite.core import quantities
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import SOURCE, WARNING, Rule, declare, gate_check
from medsite.gate.checks.prose import sentences

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("EVID004", WARNING,
         what="A relative change ('a third fewer', 'halved', '40% lower', 'twice as likely') has no absolute figures in the same sentence.",
         why="A relative change alone makes a small effect sound big; readers need to know how many people it happens to.",
         fix="Add the absolute figures, e.g. 'relapsed within 2 years: 27 in 100 people on the medicine and 46 in 100 on placebo'.",
         bad="The medicine halved relapses [@smith2020].",
         good="The medicine halved relapses: within 2 years, 27 in 100 people on it relapsed, against 46 in 100 on placebo [@smith2020]."),
)

_COMPARATIVE = r"(?:fewer|less|lower|higher|more|greater|smaller|reduction|decrease|increase|drop|fall|rise)\b"
_PCT = r"\d+(?:\.\d+)?\s?(?:%|per ?cent\b|percent\b)"
_FRACTION = r"(?:(?:a|one|two|three)[- ](?:third|quarter|fifth)s?|half)"
RELATIVE = re.compile(
    "|".join([
        rf"\b{_FRACTION}\s+{_COMPARATIVE}",
        rf"{_PCT}\s+{_COMPARATIVE}",
        r"\b(?:halved|halves|halving|doubled|doubles|doubling|tripled|triples|tripling)\b",
        r"\bhalf as (?:many|much|likely|often|common|high)\b",
        r"\b(?:twice|(?:two|three|four|\d+(?:\.\d+)?) times)\s+(?:as|more|less|higher|lower|greater)\b",
        r"\b(?:\d+(?:\.\d+)?|two|three|four)[- ]?fold\b",
        rf"\b(?:reduc|cut|lower|decreas|increas|rais|boost)\w*\b[^.]{{0,60}}?\bby\s+(?:about\s+|around\s+|nearly\s+|almost\s+|more than\s+|over\s+)?(?:{_PCT}|{_FRACTION})",
        r"\b(?:relative risk|risk ratio|hazard ratio|odds ratio)\b",
    ]),
    re.I,
)
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+)?\d[\d,.]*\s*%?\s+to\s+\d", re.I)
_RELATIVE_AFTER = re.compile(rf"^\s*{_COMPARATIVE}", re.I)
_BY_BEFORE = re.compile(r"\bby\s+(?:about\s+|around\s+|nearly\s+|almost\s+|more than\s+|over\s+)?$", re.I)


def has_absolute(text: str) -> bool:
    if _FROM_TO.search(text):
        return True
    found = quantities.quantities(text)
    if any(q.form == "frequency" for q in found):
        return True
    rates = [q for q in found if q.form == "percent" and not _RELATIVE_AFTER.match(text[q.end:])
             and not _BY_BEFORE.search(text[:q.start])]  # "by 40%" is the change, not a rate
    return len(rates) >= 2


@gate_check(stage=SOURCE)
def check(project):
    for page in project.pages:
        for s in sentences(page):
            if s.place != "body":
                continue
            m = RELATIVE.search(s.text)
            if m and not has_absolute(s.text):
                yield Diagnostic("EVID004", f"relative figure '{m.group(0)}' without the absolute figures in the same sentence",
                                 page.rel, s.line, target=m.group(0),
                                 hint="give how many people it happened to in each group, e.g. '27 in 100 on the medicine and 46 in 100 on placebo'")
