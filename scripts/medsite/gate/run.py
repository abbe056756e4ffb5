"""Run the checks over a project and return sorted diagnostics."""

from __future__ import annotations

import gc

from medsite.core.diagnostics import Diagnostic, merge, sort_diagnostics
from medsite.gate import suppress
from medsite.gate.checks import SITE_CHECKS, SOURCE_CHECKS
from medsite.gate.guard import guarded
from medsite.gate.rules import with_fix


def run(project, *, source_only: bool = False, extra_checks=()) -> list[Diagnostic]:
    checks = list(SOURCE_CHECKS) + ([] if source_only else list(SITE_CHECKS)) + list(extra_checks)
    diagnostics: list[Diagnostic] = []
    # The index of a big site is millions of small objects and no reference cycles;
    # Python's cycle collector would rescan them again and again, so pause it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for check in checks:
            diagnostics.extend(guarded(check, project))
    finally:
        if was_enabled:
            gc.enable()
    diagnostics.extend(project.problems)  # what loading the project found (bad YAML, unreadable files)
    unique = list(dict.fromkeys(diagnostics))
    # Every message ends with how to fix it: checks that give no specific fix get the registry's.
    return sort_diagnostics(with_fix(d) for d in suppress.apply(project, unique))


def gate_build(project, build_diagnostics) -> list[Diagnostic]:
    """What one build reports, `make site` and `make serve` alike: the build's own diagnostics (our
    extensions', the engine's log, the search index) and the gate's over the sources and the built pages.
    The engine and the gate may both report one mistake (a broken link in MkDocs' log and in the built
    page, an unknown key from the extension and the gate): merged into one line (core.diagnostics.merge),
    so that every count agrees."""
    diagnostics = list(build_diagnostics) + run(project, source_only=project.site_dir is None)
    return sort_diagnostics(merge(map(with_fix, diagnostics)))
