"""The one shape of a rule, for the gate's codes and the online verification's alike.

A rule says, once, what a code reports, why it matters, how to fix it and how
serious it is. The gate's registry (medsite.gate.rules) and the verifier's
(medsite.verify.rules) both declare `Rule`s, and GATE-CODES.md is rendered from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    what: str  # what it reports
    why: str  # why it matters
    fix: str  # how to fix it, in plain words
    # Example Markdown lines in a page's body: `bad` is reported, `good` (the fix applied) passes.
    # GATE-CODES.md shows them, and tests/test_codehealth_examples.py runs both through the gate.
    bad: str = ""
    good: str = ""


def registry(rules: list[Rule]) -> dict[str, Rule]:
    """Rules by code; a code declared twice is a programming error, caught at import."""
    out: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in out:
            raise ValueError(f"rule {rule.code} is declared twice")
        out[rule.code] = rule
    return out
