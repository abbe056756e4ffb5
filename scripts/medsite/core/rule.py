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

from medsite.core.diagnostics import Severity

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


# The bibliography entry that rules' examples start from (where: docs/references.yaml), field by field
# as an editor writes it: an example changes only what its rule is about, so readers see the difference.
_EXAMPLE_ENTRY = {
    "id": "example",
    "type": "article-journal",
    "author": "[{family: Lee, given: K}]",
    "title": "A trial in MS",
    "container-title": "J Neurol",
    "issued": "{date-parts: [[2022]]}",
    "DOI": "10.1000/example",
    "findings": "\n    - 'Relapsed within 2 years: 27% on the medicine, 46% on placebo.'",
}


def example_entry(**changes: str | None) -> str:
    """The example entry as YAML, with fields changed (`container_title` for container-title), left out
    (None) or added (after the others)."""
    fields = dict(_EXAMPLE_ENTRY)
    for name, value in changes.items():
        fields[name.replace("_", "-")] = value
    lines = [f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}" for key, value in fields.items() if value is not None]
    return "- " + "\n  ".join(lines)
