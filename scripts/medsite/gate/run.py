"""Run the checks over a project and return sorted diagnostics."""

from __future__ import annotations

import gc

from ..diagnostics import Diagnostic, sort_diagnostics
from . import suppress
from .checks import SITE_CHECKS, SOURCE_CHECKS
from .rules import with_fix


def _guarded(check, project):
    """A check that meets input it did not expect reports it instead of crashing the build."""
    try:
        return list(check(project))
    except Exception as exc:  # noqa: BLE001 - the whole point is to never show a traceback
        name = f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"
        return [Diagnostic("GATE004", f"check {name} failed: {type(exc).__name__}: {exc}", "gate.yml")]


def run(project, *, source_only: bool = False, extra_checks=()) -> list[Diagnostic]:
    checks = list(SOURCE_CHECKS) + ([] if source_only else list(SITE_CHECKS)) + list(extra_checks)
    diagnostics: list[Diagnostic] = []
    # The index of a big site is millions of small objects and no reference cycles;
    # Python's cycle collector would rescan them again and again, so pause it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for check in checks:
            diagnostics.extend(_guarded(check, project))
    finally:
        if was_enabled:
            gc.enable()
    diagnostics.extend(project.problems)  # what loading the project found (bad YAML, unreadable files)
    unique = list(dict.fromkeys(diagnostics))
    # Every message ends with how to fix it: checks that give no specific fix get the registry's.
    return sort_diagnostics(with_fix(d) for d in suppress.apply(project, unique))
