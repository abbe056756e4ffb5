"""Run one check so that input it did not expect becomes a GATE004 diagnostic, never a traceback,
and a check that runs past its deadline (gate.yml limits.gate_check_seconds) one GATE020, never a hang.

The deadline is a SIGALRM timer in the main thread, around each check. The gate runs in-process,
sharing one Project (its index of the built site, its caches) across all checks, so a subprocess
per check would read everything again, and one for the whole gate would say only "the gate was too
slow", not which check. A signal interrupts Python code between two bytecodes, and Python's `re`
checks for signals while it matches, so a runaway loop or regex stops within the deadline; a single
call into C that never returns to Python would not, but the checks make none on unbounded input
(their HTML parses are linear). Outside the main thread (no SIGALRM there) checks run unbounded:
`make serve`'s rebuilds, their gate included, have a watchdog of their own (medsite.tools.serve_watchdog).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.sources.limits import Limits, time_limit_hint

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("GATE004", ERROR,
         what="A check failed on input it did not expect.",
         why="The gate could not check everything, so nothing is published.",
         fix="Report the message to a maintainer; it names the check.",
         where="situation",
         bad="gate.yml: GATE004 check meta.check failed: KeyError: 'title'",
         good="Every check returns diagnostics for whatever input it is given."),
    Rule("GATE020", ERROR,
         what="A gate check did not finish within its time limit (gate.yml limits.gate_check_seconds) and was stopped.",
         why="A check that never ends would hang every build; one that was stopped has not checked everything, so nothing is published.",
         fix="Look at what changed since the last build that passed (a very long line or paragraph); if the site is legitimately this slow to check, raise limits.gate_check_seconds in gate.yml.",
         where="situation",
         bad="gate.yml: GATE020 check evidence.check did not finish within 120 s and was stopped",
         good="Every check finishes in a few seconds: the gate's patterns take time linear in the text they read."),
)


# Two hooks for the tests (tests/conftest.py, scripts/medsite/tools/mutation_check.py), read at each call:
# a check named in BREAK_CHECK ("*" for all) raises, as if it had crashed; every GATE004 and GATE020 is also appended to the
# file CRASH_LOG names, so a test whose gate ran in another process still learns that a check crashed.
BREAK_CHECK = "MEDSITE_BREAK_CHECK"
CRASH_LOG = "MEDSITE_GATE_CRASH_LOG"
# Set only by medsite.tools.mutation_check: tests/conftest.py then lets a test that met a crash pass, to count them.
LET_CRASHES_PASS = "MEDSITE_TESTS_LET_GATE004_PASS"


def check_name(check) -> str:
    """How GATE004 and the hooks name a check: its module's last part and its function, e.g. `meta.check`."""
    return f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"


class CheckTimedOut(BaseException):
    """Raised in the check by the deadline's timer: a BaseException, so no `except Exception` in a check swallows it."""


@contextlib.contextmanager
def deadline(seconds: float):
    """Interrupt the body after `seconds` with CheckTimedOut (main thread only; elsewhere no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum, _frame):
        raise CheckTimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)  # a timer already running (a caller's) is put back after
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def _check_seconds(project) -> int:
    limits = getattr(project, "config", {}).get("limits")
    return (limits if isinstance(limits, Limits) else Limits()).gate_check_seconds


def guarded(check, project) -> list[Diagnostic]:
    """A check that meets input it did not expect reports it instead of crashing the build; one that
    runs past its deadline is stopped and reported (what it found until then is kept)."""
    name = check_name(check)
    seconds = _check_seconds(project)
    found: list[Diagnostic] = []
    try:
        with deadline(seconds):
            if os.environ.get(BREAK_CHECK) in (name, "*"):
                raise RuntimeError(f"{BREAK_CHECK} breaks this check")
            for diagnostic in check(project):
                found.append(diagnostic)
    except CheckTimedOut:
        # Logged like a crash: a check stopped early may not have reached what a "not reported" test looks for.
        found.append(Diagnostic("GATE020", f"check {name} did not finish within {seconds} s and was stopped",
                                getattr(project, "gate_config_path", "gate.yml"),
                                hint="look at what changed since the last build that passed (a very long line or "
                                     f"paragraph); {time_limit_hint('gate_check_seconds')}"))
        _log_crash(found[-1])
    except Exception as exc:  # noqa: BLE001 - the whole point is to never show a traceback
        crash = Diagnostic("GATE004", f"check {name} failed: {type(exc).__name__}: {exc}", "gate.yml")
        _log_crash(crash)
        return [crash]
    return found


def _log_crash(crash: Diagnostic) -> None:
    log = os.environ.get(CRASH_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(crash.message + "\n")
