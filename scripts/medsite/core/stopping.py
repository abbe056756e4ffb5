"""Ctrl-C and SIGTERM end `make site` with one plain line and exit 128+signal, never a traceback.

While the build's modules load nothing is locked or written yet, so a signal
then leaves at once (`while_starting`). Once the build runs, a signal raises
`Stopped` (`while_running`), which unwinds the build like KeyboardInterrupt:
MkDocs is killed, the lock closed, the staging folder removed, and the entry
point prints one line saying what site/ now holds.

Python runs a signal handler between any two bytecodes, including inside
callbacks whose exceptions it cannot raise (a fork hook, a finaliser); there
it prints "Exception ignored" and goes on. So the handler also records the
signal, that report is silenced, and `check()` at the build's milestones
raises `Stopped` for a signal that was swallowed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_AT = "MEDSITE_BUILD_STOP_AT"


class Stopped(BaseException):
    """A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def name(signum: int) -> str:
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


def _leave_now(signum, _frame):
    print(f"site: stopped by {name(signum)} before the build started; nothing was changed", file=sys.stderr)
    sys.stderr.flush()
    os._exit(128 + signum)


_received: list[int] = []  # the signal that stopped the build, once it came


def _raise_stopped(signum, _frame):
    for each in SIGNALS:
        signal.signal(each, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    _received.append(signum)
    raise Stopped(signum)


def _report_unraisable(unraisable, default=sys.unraisablehook):
    if not isinstance(unraisable.exc_value, Stopped):  # a swallowed Stopped is raised again by check()
        default(unraisable)


def check() -> None:
    """Raise Stopped if a signal came in a place where Python could not raise it."""
    if _received:
        raise Stopped(_received[0])


def while_starting() -> None:
    for each in SIGNALS:
        signal.signal(each, _leave_now)


def while_running() -> None:
    sys.unraisablehook = _report_unraisable
    for each in SIGNALS:
        signal.signal(each, _raise_stopped)


def die_with_parent() -> None:
    """For a child process (MkDocs): be killed when the build is, so kill -9 leaves no orphan writing files."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def checkpoint(step: str) -> None:
    """Test hook: stop this process (SIGSTOP) at a named step.

    A test sets MEDSITE_BUILD_STOP_AT=<step>, waits for the process to stop,
    sends it a real signal (SIGINT, SIGKILL...) and continues it, so the signal
    lands exactly between two steps that a timer cannot hit.
    """
    if os.environ.get(STOP_AT) == step:
        os.kill(os.getpid(), signal.SIGSTOP)
