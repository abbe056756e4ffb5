"""Ctrl-C and SIGTERM end `make site` with one plain line and exit 128+signal, never a traceback.

While the build's modules load nothing is locked or written yet, so a signal
then leaves at once (`while_starting`). Once the build runs, a signal raises
`Stopped` (`while_running`), which unwinds the build like KeyboardInterrupt:
MkDocs is killed, the lock closed, the staging folder removed, and the entry
point prints one line saying what site/ now holds.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


def _raise_stopped(signum, _frame):
    for each in SIGNALS:
        signal.signal(each, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise Stopped(signum)


def while_starting() -> None:
    for each in SIGNALS:
        signal.signal(each, _leave_now)


def while_running() -> None:
    for each in SIGNALS:
        signal.signal(each, _raise_stopped)


def die_with_parent() -> None:
    """For a child process (MkDocs): be killed when the build is, so kill -9 leaves no orphan writing files."""
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
