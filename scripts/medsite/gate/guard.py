"""Run one check so that input it did not expect becomes a GATE004 diagnostic, never a traceback."""

from __future__ import annotations

import os

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


# Two hooks for the tests (tests/conftest.py, scripts/medsite/tools/mutation_check.py), read at each call:
# a check named in BREAK_CHECK ("*" for all) raises, as if it had crashed; every GATE004 is also appended to the
# file CRASH_LOG names, so a test whose gate ran in another process still learns that a check crashed.
BREAK_CHECK = "MEDSITE_BREAK_CHECK"
CRASH_LOG = "MEDSITE_GATE_CRASH_LOG"


def check_name(check) -> str:
    """How GATE004 and the hooks name a check: its module's last part and its function, e.g. `meta.check`."""
    return f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"


def guarded(check, project) -> list[Diagnostic]:
    """A check that meets input it did not expect reports it instead of crashing the build."""
    name = check_name(check)
    try:
        if os.environ.get(BREAK_CHECK) in (name, "*"):
            raise RuntimeError(f"{BREAK_CHECK} breaks this check")
        return list(check(project))
    except Exception as exc:  # noqa: BLE001 - the whole point is to never show a traceback
        crash = Diagnostic("GATE004", f"check {name} failed: {type(exc).__name__}: {exc}", "gate.yml")
        _log_crash(crash)
        return [crash]


def _log_crash(crash: Diagnostic) -> None:
    log = os.environ.get(CRASH_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(crash.message + "\n")
