"""What people see while and after verifying: a progress bar and a summary table."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from dataclasses import dataclass, field

from medsite.lock.lockfile import STATUSES


class Progress:
    """`\\r`-redrawn bar on stderr when it is a terminal; silent otherwise (CI logs stay clean)."""

    def __init__(self, label: str, total: int, *, stream=None, enabled: bool | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()) if enabled is None else enabled
        self.label, self.total, self.width, self.done = label, total, width, 0
        self._lock = threading.Lock()
        self._draw()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done = min(self.total, self.done + n)
            self._draw()

    def _draw(self) -> None:
        if not self.enabled or not self.total:
            return
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label:<10} [{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.total:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class KindSummary:
    items: int = 0  # in scope this run
    fresh: int = 0  # left alone: verified ok within the maximum age
    checked: Counter = field(default_factory=Counter)  # status of each fresh result
    kept: int = 0  # unclear result; the previous clear status was kept


@dataclass
class Summary:
    kinds: dict[str, KindSummary] = field(default_factory=dict)
    requests: int = 0  # sent by our HTTP client
    lychee_links: int = 0  # handed to lychee (its own retries are not counted)

    def kind(self, name: str) -> KindSummary:
        return self.kinds.setdefault(name, KindSummary())

    def merge(self, other: Summary) -> None:
        for name, ks in other.kinds.items():
            mine = self.kind(name)
            mine.items += ks.items
            mine.fresh += ks.fresh
            mine.checked.update(ks.checked)
            mine.kept += ks.kept
        self.requests += other.requests
        self.lychee_links += other.lychee_links

    def table(self) -> str:
        head = ["kind", "items", "fresh", "checked", *STATUSES, "kept"]
        rows = []
        for name in ("doi", "pmid", "url"):
            if name not in self.kinds:
                continue
            ks = self.kinds[name]
            rows.append([name, ks.items, ks.fresh, sum(ks.checked.values()), *(ks.checked[s] for s in STATUSES), ks.kept])
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]

        def fmt(row) -> str:
            cells = zip(row, widths, strict=False)
            return "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(cells))

        lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
        sent = f"requests sent: {self.requests}"
        if self.lychee_links:
            sent += f", links checked by lychee: {self.lychee_links}"
        elif not self.requests:
            sent += " (everything was fresh)"
        lines.append(sent)
        return "\n".join(lines)
