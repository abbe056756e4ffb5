"""HIST: each page's change notes (front matter `changes:`, medsite.sources.changenotes), which readers see
as "What changed" and in the site's feed of changes."""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, FRONT_MATTER, SOURCE, Rule, declare, gate_check
from medsite.sources import changenotes
from medsite.sources.pagemeta import human_date

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "HIST002",
        ERROR,
        what="A change note is dated after today.",
        why="Readers and the feed would be told of a change that has not happened yet.",
        fix="Date the note the day the change is published (edit the page's front matter in the browser).",
        where=FRONT_MATTER,
        bad="changes:\n  - date: 2027-01-01\n    note: New dose.",
        good="changes:\n  - date: 2026-11-01\n    note: New dose.",
    ),
)


@gate_check(stage=SOURCE)
def change_notes(project):
    """HIST001 for a malformed note, HIST002 for one dated in the future."""
    for page in project.pages:
        if page.page is None or changenotes.KEY not in page.page.meta or page.full_path is None:
            continue
        text = page.full_path.read_text(encoding="utf-8", errors="replace")
        changes, problems = changenotes.read(text, page.rel)
        yield from problems
        for change in changes:
            if change.day > project.today:
                yield Diagnostic(
                    "HIST002",
                    f"a change note is dated {human_date(change.day)}, after today ({human_date(project.today)})",
                    page.rel,
                    change.line,
                    target=change.day.isoformat(),
                )
