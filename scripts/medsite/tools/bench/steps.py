"""The steps of `make bench`, each on its own: a step whose build fails prints one line saying so,
and the steps after it still run (`make bench` exits 1 at the end if any failed)."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

# A gate or build finding (`file:line: CODE what; fix: how`): the line that says why a build failed.
_FINDING = re.compile(r"\b[A-Z]{2,6}\d{3}\b")


class StepFailed(Exception):
    """A benchmark's build or command failed; the message is one line."""


def why(proc: subprocess.CompletedProcess) -> str:
    """The most telling line of a failed command's output: its first finding, else its last line."""
    lines = [line.strip() for line in f"{proc.stdout or ''}\n{proc.stderr or ''}".splitlines() if line.strip()]
    finding = next((line for line in lines if _FINDING.search(line)), None)
    line = finding or (lines[-1] if lines else "no output")
    return line if len(line) <= 300 else line[:297] + "..."


def run(cmd: list, cwd: Path, env: dict, ok=(0,), what: str = "") -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; (wall seconds, the finished process), or StepFailed if it exits other than `ok`."""
    start = time.perf_counter()
    proc = subprocess.run(list(map(str, cmd)), cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        name = what or " ".join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(cmd[:4]))
        raise StepFailed(f"{name} exited {proc.returncode}: {why(proc)}")
    return elapsed, proc


def step(name: str, action: Callable[[], object], failed: list[str]) -> None:
    """Run one benchmark; on failure print `bench-failed step=NAME: why` and note it in `failed`."""
    try:
        action()
    except StepFailed as exc:
        failed.append(name)
        print(f"bench-failed step={name}: {exc}", flush=True)
    except Exception as exc:  # noqa: BLE001 (a bug in one benchmark must not hide the others' numbers)
        failed.append(name)
        print(f"bench-failed step={name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              flush=True)
