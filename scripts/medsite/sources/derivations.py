"""Derived figures: a number a page gives by converting a finding, written out as the sum that gives it.

A bibliography entry's `findings` say what the work found; a page may give a figure worked
out from one ("18 in 100" from a rate of 0.18). The entry's `derived:` list says how, one
derivation a line, and the gate checks the sum (EVID005) before the page's number check
(EVID003) accepts the figure:

    derived: ["18 in 100 = 0.18 × 100", "36 in 100,000 = 35.9 per 100,000 rounded"]

The grammar, read with `medsite.core.quantities` (no second number parser) and plain string splits:

    derivation = figure " = " source [ operator factor ] [ "rounded" ]
    operator   = "×" | "*" | "÷" | "/"      (a space on each side; "1/10" is a figure)

- `figure`: one figure as pages write it, in digits and nothing else: "18", "0.18", "18%",
  "18 in 100", "2.8 million", "3 times" (no "about", no range, no "a third");
- `source`: one figure that is among the entry's findings numbers;
- `factor`: a plain number ("100", "100,000"), not zero after ÷;
- `rounded`: the right side is rounded at the place of the left side's last non-zero digit
  (as "about" is on pages): "36 in 100,000" to the nearest 1 in 100,000, "20%" to 10%; an
  "N in M" whose M is not a power of ten ("1 in 4") to within two percentage points.

Each side is a value: a percentage or "N in M" is its rate (18%, "18 in 100" and "180 in
1,000" are all 0.18), any other figure its number. The two values must be equal (with
`rounded`: equal once the right is rounded). When the right side starts from a plain number
(0.18, 35.9), a percentage or "N in M" on the left may instead be matched by its count, the
18 of "18%" or of "18 in 100": so "18 in 100 = 0.18", "18 in 100 = 0.18 × 100" and "36 in
100,000 = 35.9 rounded" all hold, and "18 = 18%" does not (write "18 = 18% × 100").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from medsite.core import quantities
from medsite.core.readertext import reader_text

OPERATORS = {"×": "×", "*": "×", "÷": "÷", "/": "÷"}  # as written -> what it does
ROUNDED = "rounded"
FORM = "'<figure on the page> = <figure from the findings> [× or ÷ number] [rounded]', e.g. '18 in 100 = 0.18 × 100'"


class Malformed(ValueError):
    """A derivation that does not follow the grammar; the message says what is wrong, in plain words."""


@dataclass(frozen=True)
class Derivation:
    text: str  # as written in the entry
    figure: quantities.Quantity  # the page's figure (left)
    count_unit: float  # the place of the last non-zero digit of its count (18 of "18 in 100", 18 of "18%")
    source: quantities.Quantity  # the figure from the findings (right)
    operator: str  # "", "×" or "÷"
    factor: float
    factor_text: str
    rounded: bool

    @property
    def value(self) -> float:
        """The right side's value."""
        if self.operator == "×":
            return self.source.value * self.factor
        if self.operator == "÷":
            return self.source.value / self.factor
        return self.source.value

    def readings(self) -> list[tuple[float, float | None, str]]:
        """What the left side may equal: (value, the place it is rounded at, how it reads).

        A frequency with a denominator that is not a power of ten ("1 in 4") is its rate alone, and
        rounds as pages do (within two percentage points, see medsite.core.quantities): place None.
        """
        f = self.figure
        if f.form == "frequency" and f.unit is None:
            return [(f.value, None, f"{_show(f.value)} ({f.text.strip()})")]
        if f.form == "frequency":
            rate = (f.value, self.count_unit / f.parts[1], f"{_show(f.value)} ({f.text.strip()})")
            count = (f.parts[0], self.count_unit, f"{_show(f.parts[0])} ({f.text.strip()})")
        elif f.form == "percent":
            rate = (f.value, f.unit, f"{_show(f.value)} ({f.text.strip()})")
            count = (f.value * 100, self.count_unit, f"{_show(f.value * 100)} ({f.text.strip()})")
        else:
            return [(f.value, f.unit, _show(f.value))]
        return [rate, count] if self.source.kind != "r" else [rate]


def _show(value: float) -> str:
    return f"{value:.6g}"


def _one_figure(text: str, what: str) -> quantities.Quantity:
    """The one figure `text` is, written alone (the whole of `text`)."""
    found = quantities.quantities(text)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(text):
        raise Malformed(f"{what} '{text}' is not one figure written alone (a number, '18%', '18 in 100')")
    if not math.isfinite(found[0].value):
        raise Malformed(f"{what} '{text}' is too large a number")
    return found[0]


def read(text: str) -> Derivation:
    """The derivation `text` writes, or Malformed saying what does not follow the grammar (see the module)."""
    written = reader_text(text).strip()
    left, equals, right = written.partition("=")
    if not equals or "=" in right:
        raise Malformed(f"write one '=' between the page's figure and the sum: {FORM}")
    left, tokens = left.strip(), right.split()
    rounded = bool(tokens) and tokens[-1].lower() == ROUNDED
    if rounded:
        tokens = tokens[:-1]
    at = [i for i, token in enumerate(tokens) if token in OPERATORS]
    if len(at) > 1:
        raise Malformed("use one × or ÷ at most (work out a longer sum and write its result)")
    if not left or not tokens or (at and not 0 < at[0] < len(tokens) - 1):
        raise Malformed(f"a side is missing: {FORM}")
    source_tokens, operator, factor_tokens = (tokens[:at[0]], OPERATORS[tokens[at[0]]], tokens[at[0] + 1:]) if at else (tokens, "", [])
    if any(symbol in token for token in source_tokens + factor_tokens for symbol in "×*÷"):
        raise Malformed("put a space each side of × or ÷: '0.18 × 100'")
    figure = _one_figure(left, "the page's figure")
    if figure.unit is None and figure.form != "frequency":
        raise Malformed(f"the page's figure '{left}' must be written in digits ('33%', not 'a third')")
    source = _one_figure(" ".join(source_tokens), "the source figure")
    factor, factor_text = 1.0, " ".join(factor_tokens)
    if operator:
        q = _one_figure(factor_text, f"the number after {operator}")
        if q.form != "number":
            raise Malformed(f"the number after {operator} must be a plain number such as 100, not '{factor_text}'")
        if operator == "÷" and q.value == 0:
            raise Malformed("÷ 0 gives no number")
        factor = q.value
    return Derivation(text, figure, _count_unit(left, figure), source, operator, factor, factor_text, rounded)


def _count_unit(text: str, figure: quantities.Quantity) -> float:
    if figure.form == "frequency":  # its count, read as quantities.py reads a finding's "22 of 24"
        count = next(q for q in quantities.quantities(text, with_parts=True) if q.form == "number" and q.start == figure.start)
        return count.unit if count.unit is not None else 1.0
    if figure.form == "percent":
        return figure.unit * 100
    return figure.unit


def _equal(right: float, value: float, unit: float | None, rounded: bool) -> bool:
    if not (math.isfinite(right) and math.isfinite(value)):
        return False
    if math.isclose(right, value, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if not rounded:
        return False
    if unit is None:  # "1 in 4": two percentage points either way, as quantities.py reads "about 1 in 4"
        return abs(right - value) <= 0.02 + 1e-9
    return abs(right / unit - value / unit) <= 0.5 + 1e-9


def problem(d: Derivation, found) -> str | None:
    """Why the derivation does not hold against the entry's findings numbers `found`, or None if it does."""
    if not quantities.supported(d.source, found):
        return f"the source figure '{d.source.text.strip()}' is not among the entry's findings"
    right = d.value
    readings = d.readings()
    if any(_equal(right, value, unit, d.rounded) for value, unit, _ in readings):
        return None
    sum_text = d.source.text.strip() + (f" {d.operator} {d.factor_text}" if d.operator else "")
    if d.rounded:
        rounding = " even rounded at the page figure's last digit"
    elif any(_equal(right, value, unit, True) for value, unit, _ in readings):
        rounding = " (it rounds to it: add 'rounded' at the end)"
    else:
        rounding = ""
    return f"{sum_text} is {_show(right)}, not {' or '.join(r for _, _, r in readings)}{rounding}"


def figures(derivations, found) -> list[quantities.Quantity]:
    """The page figures of the derivations (texts) that are well formed and hold against `found`."""
    out = []
    for text in derivations:
        try:
            d = read(text)
        except Malformed:
            continue
        if problem(d, found) is None:
            out.append(d.figure)
    return out
