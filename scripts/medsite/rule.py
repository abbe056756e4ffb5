"""The one shape of a rule, for the gate's codes and the online verification's alike.

A rule says, once, what a code reports, why it matters, how to fix it, how serious it is,
and shows it: a `bad` example that is reported and a `good` one (the fix applied) that passes.
Each module that reports codes declares its rules beside its check, as a Python literal:

    RULES = declare(
        Rule("FN001", ERROR, what=..., why=..., fix=..., bad="A note[^n1].", good=...),
    )

Plain `Rule(...)` calls rather than a YAML or TOML block: they are checked when the module is
imported (a misspelt field is an error there, not a silently missing example), they need no
parser, and a search for the code finds the check and its documentation in the same file.
medsite.gate.rules collects every module's RULES; GATE-CODES.md is rendered from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Where an example belongs, when it is not a line of a page's Markdown body (the default, "").
PAGE_BODY = ""
FRONT_MATTER = "front matter"  # keys of a page's front matter, merged into a valid one
SITUATION = "situation"  # not an input: what happened, and the message it gives


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    what: str  # what it reports
    why: str  # why it matters
    fix: str  # how to fix it, in plain words
    # `bad` is reported, `good` (the fix applied) passes; both in the language of `where`:
    # PAGE_BODY (Markdown lines in a page), FRONT_MATTER (keys merged into a valid page's front matter),
    # a file of the project (docs/page.md: a whole page; docs/references.yaml: an entry; gate.yml, mkdocs.yml,
    # data/clinic-offer.yaml: keys merged into the file; verification.lock.json: its items;
    # docs/assets/...: a file published as it is), the built site (site/page/index.html: a page's article),
    # what a command reads or is given ("MkDocs build log", "make new-page"), or SITUATION (not an input).
    # tests/test_rule_examples.py puts each where it belongs and runs the checks; GATE-CODES.md shows them.
    bad: str = ""
    good: str = ""
    where: str = PAGE_BODY


def registry(rules) -> dict[str, Rule]:
    """Rules by code; a code declared twice is a programming error, caught at import."""
    out: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in out:
            raise ValueError(f"rule {rule.code} is declared twice")
        out[rule.code] = rule
    return out


def declare(*rules: Rule) -> dict[str, Rule]:
    """A module's own rules, by code."""
    return registry(rules)
