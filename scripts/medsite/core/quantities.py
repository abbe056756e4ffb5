"""Numbers in plain-language text, read the way a careful reader would compare them.

Pages and the findings they rest on may write the same number in different
honest forms. Each number is read into a `Quantity`, one canonical value per
kind, so that these compare equal:

- "2.8 million" and "2,800,000" (scale words: thousand, million, billion);
- "1 in 10", "1 out of 10", "10 of every 100", "22 of the 24", "80 relapses for every 100",
  "10 per 100", "1/10" and "10%" / "10 %" /
  "10 percent" / "10 per cent" (all rates: 0.1);
- "a third", "one third", "two thirds", "a quarter", "half", "halved" (rates);
  "twice", "double", "two-fold", "3 times", "3-fold" (multiples);
- ranges "10-20", "10–20", "10 to 20", "between 10 and 20": each end is a number
  and a unit written once ("10-20%", "2 to 3 million") applies to both ends.

Cardinal number words ("one", "two", "ten") are not read: the editorial rule is
to write a number in words when it is not a claim ("one or two"), and ordinals
("2nd") and digits inside names ("CD20", "COVID-19", "ICD-10") are not numbers.

Years that are dates rather than results are recognised by `is_date` (see there).

A hedged number ("about", "around", "nearly"...) matches a finding that rounds
to it at the place of its last non-zero digit ("about 30%" ~ 27%, "about 2 in 100"
~ 2.3%, "about 2.8 million" ~ 2,834,000); a bound ("more than", "over", "at
least" / "fewer than", "under", "up to") matches a finding on that side within
one unit of that place ("more than 2 million" ~ 2.8 million). Fractions and
rates with a denominator that is not a power of ten ("about a third", "about 1
in 4") match a finding within two percentage points. An unhedged number must
be equal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?P<{n}>thousand|million|billion)\b)?"
_PCT = r"(?P<{n}>\s?%|\s+per\s?cent\b|\s+percent\b)?"
_TIMES = r"(?P<{n}>\s*-?\s*fold\b|\s+times\b)?"
_START = r"(?<![\w.,/])(?<![A-Za-z]-)"  # not inside a name such as CD20 or COVID-19
_END = r"(?![\w]|\.\d|,\d{3})"
_PEOPLE = r"(?:(?:people|patients|persons|adults|children|women|men|participants)\s+)?"

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
FRACTIONS = {"half": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fifth": 1 / 5}
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
# Not "double" or "triple" alone: "double vision" and "double-blind" are not numbers.
MULTIPLE_WORDS = {"twice": 2, "doubled": 2, "doubles": 2, "doubling": 2, "twofold": 2, "two-fold": 2,
                  "tripled": 3, "triples": 3, "tripling": 3, "threefold": 3, "three-fold": 3,
                  "halved": 0.5, "halves": 0.5, "halving": 0.5}

_RATE = re.compile(
    _START + rf"(?P<a>{_NUM}){_SCALE.format(n='as')}(?:\s+{_PEOPLE}(?:in|out\s+of|of(?:\s+the)?|per)\s+(?:every\s+)?|\s+(?:[^\W\d_]+\s+)?for\s+every\s+|\s*/\s*)(?P<b>{_NUM}){_SCALE.format(n='bs')}" + _END,
    re.I,
)


def _range_pattern(joiner: str) -> re.Pattern:
    return re.compile(
        _START + rf"(?P<lo>{_NUM}){_SCALE.format(n='los')}{_PCT.format(n='lop')}{joiner}"
        rf"(?P<hi>{_NUM}){_SCALE.format(n='his')}{_PCT.format(n='hip')}{_TIMES.format(n='hit')}" + _END,
        re.I,
    )


_RANGES = [
    _range_pattern(r"\s*(?:-|–|—|\bto\b)\s*"),  # 10-20, 10–20, 10 to 20
    re.compile(r"\bbetween\s+" + _range_pattern(r"\s+and\s+").pattern, re.I),  # between 10 and 20
]
_SINGLE = re.compile(_START + rf"(?P<n>{_NUM}){_SCALE.format(n='s')}{_PCT.format(n='p')}{_TIMES.format(n='t')}" + _END, re.I)
_ORDINAL = re.compile(_START + r"\d+(?:st|nd|rd|th)\b", re.I)
# "half" alone is a fraction; "third" alone is usually an ordinal ("the third trial").
_FRACTION = re.compile(r"\b(?:(?P<count>a|an|one|two|three|four)[- ](?P<frac>half|thirds?|quarters?|fifths?)|(?P<half>half))\b", re.I)
_MULTIPLE = re.compile(r"\b(?P<w>" + "|".join(sorted(map(re.escape, MULTIPLE_WORDS), key=len, reverse=True)) + r")\b", re.I)

APPROX = re.compile(r"\b(?:about|around|approximately|roughly|nearly|almost|some|close to|just under|just over|an estimated|estimated)\s+$", re.I)
ABOVE = re.compile(r"(?:\b(?:more than|over|at least|above|greater than)\s+|(?:>=?|≥)\s*)$", re.I)
BELOW = re.compile(r"(?:\b(?:fewer than|less than|under|up to|below|at most)\s+|(?:<=?|≤)\s*)$", re.I)

# Dates, not results.
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
_DATE_BEFORE = re.compile(
    rf"(?:\b(?:in|since|from|by|until|till|before|after|during|between|and|to|through|early|mid|late|year|years|of)\s+|\b{MONTHS}\.?\s+(?:\d{{1,2}},?\s+)?|\b\d{{1,2}}\s+{MONTHS}\s+|[-–—]\s*|\b{MONTHS}\s+\d{{1,2}},\s+)$",
    re.I,
)
_DAY_OF_MONTH = re.compile(rf"^\s+{MONTHS}\b", re.I)
_MONTH_BEFORE = re.compile(rf"\b{MONTHS}\.?\s+$", re.I)
# "their 2013 update", "the 2017 criteria": a year naming a document or event.
_DOCUMENT_AFTER = re.compile(r"^\s+(?:update|review|revision|criteria|guidance|guidelines?|report|study|trial|paper|survey|edition|version|statement|consensus|atlas|alert|law|act|regulations?)s?\b", re.I)
_COUNT_AFTER = re.compile(r"^\s+(?:people|patients|persons|participants|adults|children|women|men|cases|controls|subjects|volunteers|cells|doses)\b", re.I)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, e.g. "2.8 million", "1 in 10", "a third"
    start: int  # offset in the text it was read from
    end: int
    kind: str  # "n" a count or measure, "r" a rate (0-1), "x" a multiple
    value: float
    unit: float | None  # the place of the last non-zero digit, in the value's scale; None for words and odd denominators
    hedge: str = ""  # "", "approx", "above" or "below"
    bare: bool = False  # a whole number with no unit, comma or decimals: could be a year
    form: str = "number"  # how it was written: number, percent, frequency ("1 in 10"), fraction, multiple
    parts: tuple = ()  # a frequency's two counts: (57, 100) for "57 for every 100"

    def describe(self) -> str:
        return self.text.strip()


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _last_digit_unit(text: str) -> float:
    """10 for "40", 1 for "144", 0.1 for "2.8", 1,000,000 for "2,000,000"."""
    digits = text.replace(",", "")
    if "." in digits:
        places = -len(digits.split(".", 1)[1])
    else:
        stripped = digits.rstrip("0")
        places = len(digits) - len(stripped) if stripped else 0
    return 10.0 ** max(-300, min(300, places))  # beyond that no number on a page is meaningful


def _is_power_of_ten(value: float) -> bool:
    return math.isfinite(value) and value >= 1 and math.isclose(10 ** round(math.log10(value)), value)


def _hedge(text: str, start: int) -> str:
    before = text[max(0, start - 20):start]
    if APPROX.search(before):
        return "approx"
    if ABOVE.search(before):
        return "above"
    if BELOW.search(before):
        return "below"
    return ""


def _scaled(number: str, scale: str | None) -> tuple[float, float]:
    factor = SCALES[scale.lower()] if scale else 1.0
    return _number(number) * factor, _last_digit_unit(number) * factor


def _single(text: str, m) -> Quantity:
    value, unit = _scaled(m.group("n"), m.group("s"))
    kind, form = "n", "number"
    if m.group("p"):
        kind, form, value, unit = "r", "percent", value / 100, unit / 100
    elif m.group("t"):
        kind, form = "x", "multiple"
    bare = kind == "n" and not m.group("s") and "," not in m.group("n") and "." not in m.group("n")
    return Quantity(m.group(0), m.start(), m.end(), kind, value, unit, _hedge(text, m.start()), bare, form)


def _range_ends(text: str, m) -> list[Quantity]:
    """Both ends of a range; a unit written once ("10-20%", "2 to 3 million", "2-3 times") applies to both."""
    hedge = _hedge(text, m.start())
    pct = bool(m.group("lop") or m.group("hip"))
    times = bool(m.group("hit"))
    ends = []
    for end, scale, _own_pct in (("lo", m.group("los") or m.group("his"), m.group("lop")), ("hi", m.group("his"), m.group("hip"))):
        number = m.group(end)
        value, unit = _scaled(number, scale)
        kind, form = ("r", "percent") if pct else ("x", "multiple") if times else ("n", "number")
        if kind == "r":
            value, unit = value / 100, unit / 100
        bare = kind == "n" and not scale and "," not in number and "." not in number
        written = f"{number}{' ' + scale if scale else ''}{'%' if pct else ''}"  # "10%" of "10-20%"
        ends.append(Quantity(written, m.start(end), m.end(end), kind, value, unit, hedge, bare, form))
    return ends


def quantities(text: str, *, with_parts: bool = False) -> list[Quantity]:
    """Every number in `text`, in order. `text` is as a reader reads it (see readertext.reader_text).

    `with_parts` (for findings): a frequency also gives its two counts, so that a finding
    "22 of 24 improved" supports a page's "24 people took part".
    """
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _ISO_DATE.finditer(text):
        taken.append(m.span())
    for m in _ORDINAL.finditer(text):
        taken.append(m.span())
    for m in _RATE.finditer(text):
        a, unit_a = _scaled(m.group("a"), m.group("as"))
        b, _ = _scaled(m.group("b"), m.group("bs"))
        year_like = m.group("b").isdigit() and 1800 <= b <= 2099 and not m.group("bs")
        if b <= a or year_like or not free(*m.span()):  # "2 of 3 trials" is a rate; "10 of 2" and "10 in 2019" are not
            continue
        unit = unit_a / b if _is_power_of_ten(b) else None
        out.append(Quantity(m.group(0), m.start(), m.end(), "r", a / b, unit, _hedge(text, m.start()), form="frequency", parts=(a, b)))
        taken.append(m.span())
        if with_parts:
            for group, scale in (("a", "as"), ("b", "bs")):
                value, part_unit = _scaled(m.group(group), m.group(scale))
                out.append(Quantity(m.group(group), m.start(group), m.end(group), "n", value, part_unit, _hedge(text, m.start())))
    for pattern in _RANGES:
        for m in pattern.finditer(text):
            if free(*m.span()):
                out.extend(_range_ends(text, m))
                taken.append(m.span())
    for m in _SINGLE.finditer(text):
        if free(*m.span()):
            out.append(_single(text, m))
            taken.append(m.span())
    for m in _FRACTION.finditer(text):
        if not free(*m.span()):
            continue
        frac = (m.group("frac") or m.group("half")).lower().rstrip("s")
        count = COUNT_WORDS.get((m.group("count") or "a").lower(), 1)
        out.append(Quantity(m.group(0), m.start(), m.end(), "r", count * FRACTIONS[frac], None, _hedge(text, m.start()), form="fraction"))
        taken.append(m.span())
    for m in _MULTIPLE.finditer(text):
        if free(*m.span()):
            value = MULTIPLE_WORDS[m.group("w").lower()]
            out.append(Quantity(m.group(0), m.start(), m.end(), "r" if value < 1 else "x", value, None, _hedge(text, m.start()),
                                form="fraction" if value < 1 else "multiple"))
    return sorted(out, key=lambda q: q.start)


def is_date(q: Quantity, text: str, cited_years: set[int]) -> bool:
    """A year that dates something ("In 2020, the FDA...", "since 2018", "25 November 2026",
    "a 2019 review" of a work issued in 2019), or a day of a month, rather than a result.

    A bare whole number from 1800 to 2099 is a year when it equals the issued year
    of a work cited in the sentence, or follows a date word (in, since, from, by,
    until, before, after, during, between, and, to, through, early, mid, late, of,
    year(s)), a month ("November 2026"), a day and month ("25 November 2026"), or
    another year and a dash ("2018-2020"), or precedes a document or event word
    ("their 2013 update", "the 2017 criteria", "a 2019 study"), unless a count
    noun follows ("in 2000 people"). A number from 1 to 31 next to a month name is a day.
    """
    if not q.bare or not q.value < 1e6:
        return False
    value = int(q.value)
    after = text[q.end:q.end + 20]
    if 1 <= value <= 31 and (_DAY_OF_MONTH.match(after) or _MONTH_BEFORE.search(text[max(0, q.start - 12):q.start])):
        return True
    if not 1800 <= value <= 2099 or _COUNT_AFTER.match(after):
        return False
    if value in cited_years or _DOCUMENT_AFTER.match(after):
        return True
    return bool(_DATE_BEFORE.search(text[max(0, q.start - 24):q.start]))


def _within_unit(q: Quantity, f: Quantity) -> bool:
    if not (math.isfinite(q.value) and math.isfinite(f.value)):  # a 400-digit "number" is not worth rounding
        return False
    if q.unit is None:  # fractions and odd denominators: two percentage points either way
        return abs(q.value - f.value) <= 0.02 + 1e-9
    if q.hedge == "approx":
        return math.isclose(round(f.value / q.unit) * q.unit, q.value, rel_tol=1e-9, abs_tol=1e-12)
    if q.hedge == "above":
        return q.value - 1e-12 <= f.value < q.value + q.unit
    return q.value - q.unit < f.value <= q.value + 1e-12


def matches(q: Quantity, f: Quantity) -> bool:
    """Does the page's number `q` say the same as the finding's number `f`?"""
    if q.kind != f.kind and {q.kind, f.kind} != {"n", "x"}:
        return False
    if math.isclose(q.value, f.value, rel_tol=1e-9, abs_tol=1e-12):
        return True
    return bool(q.hedge or q.unit is None) and _within_unit(q, f)


def supported(q: Quantity, found) -> bool:
    """Is the page's number `q` among the finding numbers `found`?

    A frequency ("57 relapses for every 100 women a year") is also supported by the
    same rate written as a plain number (a yearly rate of 0.57) or by its two counts
    (a finding "57 ... relapses per 100 women").
    """
    if any(matches(q, f) for f in found):
        return True
    if q.form != "frequency" or not q.parts:
        return False
    plain = [f.value for f in found if f.kind == "n"]
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)  # noqa: E731
    return any(close(q.value, v) for v in plain) or all(any(close(p, v) for v in plain) for p in q.parts)
