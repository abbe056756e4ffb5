"""GATE-CODES.md, the editors' table of codes, rendered from the rule registries (`make codes`)."""

from __future__ import annotations

import re

from ..rule import Rule
from .rules import ALL_RULES


def _table_order(rule: Rule) -> tuple[int, int]:
    """Families in the order the registry introduces them, codes by number within a family."""
    family, number = re.fullmatch(r"([A-Z]+)(\d+)", rule.code).groups()
    return FAMILIES.index(family), int(number)


FAMILIES = list(dict.fromkeys(re.match(r"[A-Z]+", code).group(0) for code in ALL_RULES))


def markdown_table() -> str:
    lines = [
        "# Gate codes",
        "",
        "Generated from `scripts/medsite/gate/rules.py` and `scripts/medsite/verify/rules.py` by `make codes`; do not edit by hand.",
        "",
        "| Code | Severity | What it means | Why it matters | How to fix it |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(ALL_RULES.values(), key=_table_order)
    for r in ordered:
        example = f" [Example](#{r.code.lower()})" if r.bad else ""
        lines.append(f"| {r.code} | {r.severity.value} | {r.what} | {r.why} | {r.fix}{example} |")
    lines += ["", "## Examples", "",
              "In a page's Markdown: the first is reported, the second is the fix (the tests run both through the gate).", ""]
    for r in (r for r in ordered if r.bad):
        lines += [f"### {r.code}", "", "Reported:", "", "```markdown", r.bad, "```", "", "Passes:", "",
                  "```markdown", r.good, "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"



if __name__ == "__main__":
    print(markdown_table(), end="")
