"""`make serve` only: a rebuild that runs past gate.yml limits.engine_seconds ends the preview with one line.

`mkdocs serve` rebuilds in its own process, in a thread of its own, where no signal can interrupt
the work; a rebuild stuck in a page that is slow to read would leave the preview hanging with no
word. The hooks start this watchdog as a rebuild starts and stop it when it ends (or fails): when
it fires, it says which limit ran out and exits the preview process (status 1). The gate that runs
after each rebuild (medsite.tools.serve_findings) is inside it too: in the rebuild's thread its
per-check deadlines cannot fire. site/ is never touched by `make serve`.
"""

from __future__ import annotations

import os
import sys
import threading

from medsite.sources.limits import time_limit_hint

EXIT = 1


class Watchdog:
    def __init__(self) -> None:
        self._timer: threading.Timer | None = None

    def start(self, seconds: int) -> None:
        self.stop()
        self._timer = threading.Timer(seconds, self._expire, args=(seconds,))
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @staticmethod
    def _expire(seconds: int) -> None:
        print(f"gate.yml: BUILD010 the preview's rebuild did not finish within {seconds} s, so the preview stopped; "
              f"fix: look at what changed since it last rebuilt (a very long or oddly built page); "
              f"{time_limit_hint('engine_seconds')}", file=sys.stderr, flush=True)
        os._exit(EXIT)  # the rebuild thread cannot be interrupted: end the process


rebuild = Watchdog()
