"""Explicit, coded suppressions in Markdown: `<!-- gate-ignore CODE: reason -->`.

A comment applies to its own line and the line after it. A comment without a
reason is itself an error (GATE001), and one that suppresses nothing is
reported (GATE002), so exceptions never pile up silently. SAFE findings are never
suppressed this way: such a comment is itself an error (GATE005), and the only
exception is a reviewed `safe_exceptions` entry in gate.yml.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, WARNING, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("GATE001", ERROR,
         what="A gate-ignore comment has no reason.",
         why="Every exception must say why.",
         fix="Write <!-- gate-ignore CODE: reason -->.",
         bad="""\
<!-- gate-ignore EVID002 -->
About 40% of people improved.""",
         good="""\
<!-- gate-ignore EVID002: the number is the study's title, quoted -->
About 40% of people improved."""),
    Rule("GATE002", WARNING,
         what="A gate-ignore comment or exception was not used.",
         why="Stale exceptions hide future problems.",
         fix="Remove the gate-ignore comment (or the exception in gate.yml): the problem it excused is gone.",
         bad="""\
<!-- gate-ignore EVID002: the number is quoted -->
Nothing numeric here.""",
         good="""\
<!-- gate-ignore EVID002: the number is the study's title, quoted -->
About 40% of people improved."""),
    Rule("GATE005", ERROR,
         what="A gate-ignore comment names a SAFE code.",
         why="Safety findings cannot be switched off from inside a page.",
         fix="Remove the comment and the unsafe markup; a real need is a reviewed safe_exceptions entry in gate.yml (file, exact markup, why).",
         bad="""\
<!-- gate-ignore SAFE001: the clinic asked for its video -->
<iframe src="https://video.example/ms"></iframe>""",
         good="[The clinic's video about MS](https://video.example/ms)"),
)

UNSUPPRESSIBLE = ("SAFE",)
COMMENT = re.compile(r"<!--\s*gate-ignore\s+([A-Z]+\d{3})\s*(?::\s*(.*?))?\s*-->")


def _comments(project):
    for page in list(project.pages) + list(project.includes):
        for line_no, text in page.prose_lines():
            for m in COMMENT.finditer(text):
                yield page.rel, line_no, m.group(1), (m.group(2) or "").strip()


def apply(project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    comments = [c for c in _comments(project) if not c[2].startswith(UNSUPPRESSIBLE)]
    used = set()
    kept = []
    for d in diagnostics:
        where = d.where_to_edit
        match = next(
            (c for c in comments if c[0] == where.path and c[2] == d.code and c[3] and (where.line or 0) in (c[1], c[1] + 1)),
            None,
        )
        if match:
            used.add(match)
        else:
            kept.append(d)
    for c in _comments(project):
        if c[2].startswith(UNSUPPRESSIBLE):
            kept.append(Diagnostic("GATE005", f"gate-ignore {c[2]}: safety findings cannot be suppressed in a page", c[0], c[1],
                                   hint="remove the comment and the unsafe markup; a maintainer can add a reviewed "
                                        "safe_exceptions entry to gate.yml for a real need"))
    for c in comments:
        if not c[3]:
            kept.append(Diagnostic("GATE001", f"gate-ignore {c[2]} has no reason", c[0], c[1], hint=f"write <!-- gate-ignore {c[2]}: why -->"))
        elif c not in used:
            kept.append(Diagnostic("GATE002", f"gate-ignore {c[2]} suppresses nothing", c[0], c[1]))
    return kept
