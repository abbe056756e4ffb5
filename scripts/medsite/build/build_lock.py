"""One build at a time: an advisory lock held for the whole of `make site`.

`flock` belongs to the open file, so the kernel releases it however the build
ends (an exception, Ctrl-C, `kill -9`): a dead build can never leave the lock
behind. The holder writes its pid into the lock file so that a second build can
say which process it is waiting for.

A second build does not wait: it says that another build is running and stops.
Both would build the same sources, so waiting only costs time, and a build that
silently hangs behind another looks broken to an editor; CI already serialises
its publishing jobs with a concurrency group.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD003", ERROR,
         what="Another `make site` is already running in this project.",
         why="Two builds at once could publish a mix of both; the second one stops instead.",
         fix="Wait for the other build to finish (the message gives its process id), then run `make site` again.",
         where="situation",
         bad="`make site` is run in a second terminal while the first is still building.",
         good="The second `make site` is run after the first has finished."),
)


class BuildRunning(Exception):
    """Another process holds the build lock."""

    code = "BUILD003"  # what build.py reports it as

    def __init__(self, pid: int | None):
        self.pid = pid
        super().__init__(f"another build is running (pid {pid})" if pid else "another build is running")


def _open(path: Path) -> tuple[int, bool]:
    """The lock file, writable if possible; a read-only folder can still be locked (publishing then reports it)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644), True
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not path.is_file():
            raise
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC), False


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(fd: int) -> int | None:
    """The holder's pid. It writes it just after locking, so the file may briefly hold none or the last holder's."""
    for _ in range(50):
        pid = _read_pid(fd)
        if pid and _alive(pid):
            return pid
        time.sleep(0.01)
    return None


@contextmanager
def held(path: Path):
    """Hold the build lock at `path` for the `with` block, or raise BuildRunning at once."""
    fd, writable = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(_holder(fd)) from None
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
