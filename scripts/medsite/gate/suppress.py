"""Explicit, coded suppressions in Markdown: `<!-- gate-ignore CODE: reason -->`.

A comment applies to its own line and the line after it. A comment without a
reason is itself an error (GATE001), and one that suppresses nothing is
reported (GATE002), so exceptions never pile up silently. SAFE findings are never
suppressed this way: such a comment is itself an error (GATE005), and the only
exception is a reviewed `safe_exceptions` entry in gate.yml. An exception to an
evidence rule about numbers (EVID002 and up) names the clinical reviewer who agreed,
someone in extra.editorial_team (GATE007); the References page lists every one
(medsite.markdown.suppressions).
"""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, WARNING, Rule, declare
from medsite.markdown import suppressions
from medsite.sources.pagemeta import find_reviewer

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
<!-- gate-ignore EVID002: the number is the study's title, quoted; reviewed by Dr Ada Real -->
About 40% of people improved."""),
    Rule("GATE002", WARNING,
         what="A gate-ignore comment or exception was not used.",
         why="Stale exceptions hide future problems.",
         fix="Remove the gate-ignore comment (or the exception in gate.yml): the problem it excused is gone.",
         bad="""\
<!-- gate-ignore EVID002: the number is quoted; reviewed by Dr Ada Real -->
Nothing numeric here.""",
         good="""\
<!-- gate-ignore EVID002: the number is the study's title, quoted; reviewed by Dr Ada Real -->
About 40% of people improved."""),
    Rule("GATE005", ERROR,
         what="A gate-ignore comment names a SAFE code.",
         why="Safety findings cannot be switched off from inside a page.",
         fix="Remove the comment and the unsafe markup; a real need is a reviewed safe_exceptions entry in gate.yml (file, exact markup, why).",
         bad="""\
<!-- gate-ignore SAFE001: the clinic asked for its video -->
<iframe src="https://video.example/ms"></iframe>""",
         good="[The clinic's video about MS](https://video.example/ms)"),
    Rule("GATE007", ERROR,
         what="A gate-ignore comment of an evidence rule about numbers (EVID002 and up) names no clinical reviewer from "
              "extra.editorial_team at the end of its reason; it suppresses nothing.",
         why="Whether a figure fits the cited work (its population, its comparison) is a clinical judgement the gate cannot make; "
             "the person who made it is named, and the References page shows it to readers.",
         fix="End the reason with '; reviewed by NAME', NAME as written in extra.editorial_team in mkdocs.yml, once that "
             "reviewer has agreed; from the browser, edit the comment on the page's GitHub edit view.",
         bad="""\
<!-- gate-ignore EVID002: the number is the study's title, quoted -->
About 40% of people improved.""",
         good="""\
<!-- gate-ignore EVID002: the number is the study's title, quoted; reviewed by Dr Ada Real -->
About 40% of people improved."""),
)

UNSUPPRESSIBLE = ("SAFE",)


def _comments(project):
    for page in list(project.pages) + list(project.includes):
        for c in suppressions.in_lines(page.rel, page.prose_lines()):
            yield c.path, c.line, c.code, c.reason


def _unreviewed(project) -> list[Diagnostic]:
    """GATE007 for each comment of an EVID code (but EVID001) without a reviewer from the editorial team."""
    team = project.extra.get("editorial_team") if isinstance(project.extra, dict) else None
    out = []
    for page in list(project.pages) + list(project.includes):
        for c in suppressions.in_lines(page.rel, page.prose_lines()):
            if not c.needs_reviewer or not c.reason:
                continue
            if not c.reviewer:
                problem = "names no reviewer"
            elif not find_reviewer(c.reviewer, team if isinstance(team, list) else []):
                problem = f"names '{c.reviewer}', who is not in extra.editorial_team"
            else:
                continue
            out.append(Diagnostic("GATE007", f"gate-ignore {c.code} {problem}, so it suppresses nothing", c.path, c.line,
                                  target=c.code,
                                  hint=f"once a clinical reviewer has agreed, end the reason with '; reviewed by NAME' "
                                       f"(<!-- gate-ignore {c.code}: {c.reason or 'why'}; reviewed by NAME -->), "
                                       "NAME as written in extra.editorial_team in mkdocs.yml"))
    return out


def apply(project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    unreviewed = _unreviewed(project)
    refused = {(d.path, d.line, d.target) for d in unreviewed}
    comments = [c for c in _comments(project) if not c[2].startswith(UNSUPPRESSIBLE) and c[:3] not in refused]
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
    kept.extend(unreviewed)
    for c in comments:
        if not c[3]:
            kept.append(Diagnostic("GATE001", f"gate-ignore {c[2]} has no reason", c[0], c[1], hint=f"write <!-- gate-ignore {c[2]}: why -->"))
        elif c not in used:
            kept.append(Diagnostic("GATE002", f"gate-ignore {c[2]} suppresses nothing", c[0], c[1]))
    return kept
