"""Run one check so that input it did not expect becomes a GATE004 diagnostic, never a traceback."""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("GATE004", ERROR,
         what="A check failed on input it did not expect.",
         why="The gate could not check everything, so nothing is published.",
         fix="Report the message to a maintainer; it names the check.",
         where="situation",
         bad="gate.yml: GATE004 check meta.check failed: KeyError: 'title'",
         good="Every check returns diagnostics for whatever input it is given."),
)


def guarded(check, project) -> list[Diagnostic]:
    """A check that meets input it did not expect reports it instead of crashing the build."""
    try:
        return list(check(project))
    except Exception as exc:  # noqa: BLE001 - the whole point is to never show a traceback
        name = f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"
        return [Diagnostic("GATE004", f"check {name} failed: {type(exc).__name__}: {exc}", "gate.yml")]
